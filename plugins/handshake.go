package plugins

import plugin "github.com/hashicorp/go-plugin"

// ProtocolVersion is the major version of the fetcher plugin protocol. A
// plugin built for another version is refused at start.
const ProtocolVersion = 1

// pluginName is the name the fetcher is dispensed under.
const pluginName = "fetcher"

// Handshake is the go-plugin handshake shared by the node and its plugins.
// The cookie only keeps people from running a plugin by hand; integrity
// comes from the SHA-256 in the plugin's config.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "ASSAY_FETCHER_PLUGIN",
	MagicCookieValue: "d1f0a3b2-assay-fetcher",
}

// ChunkSize is the largest data chunk a plugin sends in one message.
const ChunkSize = 64 << 10

package plugins

import (
	plugin "github.com/hashicorp/go-plugin"
)

// Serve runs impl as a fetcher plugin; call it from the plugin's main. It
// returns when the host closes the plugin. Run by hand (not by a node), it
// prints a notice and exits with status 1.
//
// Write logs to stderr: the node forwards each line to its logger (JSON
// lines in hclog's format keep their level and fields).
func Serve(impl Fetcher) {
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         plugin.PluginSet{pluginName: &grpcPlugin{Impl: impl}},
		GRPCServer:      plugin.DefaultGRPCServer,
	})
}

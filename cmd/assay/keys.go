package main

import (
	"fmt"

	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/node"
)

// Keys live in a keyring (package node: AddKey, KeyFiles, KeyPath) and
// are read as the node reads its operator key (node.LoadKey).

func init() {
	register(command{name: "keys", summary: "manage signing keys: add, show, list", subs: []command{
		{name: "add", summary: "create a named ed25519 key in the keyring", run: runKeysAdd},
		{name: "show", summary: "print a key's address and public key", run: runKeysShow},
		{name: "list", summary: "list the keyring's keys", run: runKeysList},
	}})
}

func keyringFlag(c *cmd) *string {
	return c.fs.String("keyring", node.DefaultKeyring(), "directory of named keys ($ASSAY_KEYRING)")
}

func runKeysAdd(c *cmd, args []string) int {
	keyring := keyringFlag(c)
	if !c.parse(args, 1, "usage: assay keys add NAME [--keyring DIR]") {
		return 2
	}
	name := c.fs.Arg(0)
	if !node.ValidKeyName(name) {
		return c.failf(2, "bad name %q (letters, digits, - and _)", name)
	}
	kf, path, err := node.AddKey(*keyring, name)
	if err != nil {
		return c.fail(1, err)
	}
	fmt.Fprintf(c.stdout, "%s  %s  %s\n", name, kf.Address, path)
	return 0
}

func runKeysShow(c *cmd, args []string) int {
	keyring := keyringFlag(c)
	if !c.parse(args, 1, "usage: assay keys show NAME|FILE [--keyring DIR]") {
		return 2
	}
	path := node.KeyPath(*keyring, c.fs.Arg(0))
	kf, _, err := node.LoadKey(path, c.warn)
	if err != nil {
		return c.fail(1, err)
	}
	fmt.Fprintf(c.stdout, "address: %s\npub_key: %s\nfile:    %s\n", kf.Address, kf.PubKey, path)
	return 0
}

func runKeysList(c *cmd, args []string) int {
	keyring := keyringFlag(c)
	if cliflag.Parse(c.fs, args) != nil || !cliflag.NoArgs(c.fs) {
		return 2
	}
	files, err := node.KeyFiles(*keyring)
	if err != nil {
		return c.fail(1, err)
	}
	for _, p := range files {
		kf, _, err := node.LoadKey(p, c.warn)
		if err != nil {
			c.warn(err.Error())
			continue
		}
		fmt.Fprintf(c.stdout, "%-20s %s\n", node.KeyName(p), kf.Address)
	}
	return 0
}

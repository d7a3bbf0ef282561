package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/assaynet/assay/internal/cliflag"
	"github.com/assaynet/assay/node"
)

// Keys live in a keyring (package node: AddKey, KeyFiles, KeyPath) and
// are read as the node reads its operator key (node.LoadKey).

func init() {
	register(command{name: "keys", summary: "manage signing keys: add, show, list", run: group("assay keys", []command{
		{name: "add", summary: "create a named ed25519 key in the keyring", run: runKeysAdd},
		{name: "show", summary: "print a key's address and public key", run: runKeysShow},
		{name: "list", summary: "list the keyring's keys", run: runKeysList},
	})})
}

func keyringFlag(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := newFlags(name, stderr)
	return fs, fs.String("keyring", node.DefaultKeyring(), "directory of named keys ($ASSAY_KEYRING)")
}

func runKeysAdd(args []string, stdout, stderr io.Writer) int {
	fs, keyring := keyringFlag("assay keys add", stderr)
	if cliflag.Parse(fs, args) != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: assay keys add NAME [--keyring DIR]")
		return 2
	}
	name := fs.Arg(0)
	if !node.ValidKeyName(name) {
		fmt.Fprintf(stderr, "assay keys add: bad name %q (letters, digits, - and _)\n", name)
		return 2
	}
	kf, path, err := node.AddKey(*keyring, name)
	if err != nil {
		fmt.Fprintf(stderr, "assay keys add: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s  %s  %s\n", name, kf.Address, path)
	return 0
}

func runKeysShow(args []string, stdout, stderr io.Writer) int {
	fs, keyring := keyringFlag("assay keys show", stderr)
	if cliflag.Parse(fs, args) != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: assay keys show NAME|FILE [--keyring DIR]")
		return 2
	}
	path := node.KeyPath(*keyring, fs.Arg(0))
	kf, _, err := node.LoadKey(path, func(w string) { fmt.Fprintf(stderr, "assay keys show: %s\n", w) })
	if err != nil {
		fmt.Fprintf(stderr, "assay keys show: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "address: %s\npub_key: %s\nfile:    %s\n", kf.Address, kf.PubKey, path)
	return 0
}

func runKeysList(args []string, stdout, stderr io.Writer) int {
	fs, keyring := keyringFlag("assay keys list", stderr)
	if cliflag.Parse(fs, args) != nil || !noArgs(fs) {
		return 2
	}
	files, err := node.KeyFiles(*keyring)
	if err != nil {
		fmt.Fprintf(stderr, "assay keys list: %v\n", err)
		return 1
	}
	for _, p := range files {
		kf, _, err := node.LoadKey(p, func(w string) { fmt.Fprintf(stderr, "assay keys list: %s\n", w) })
		if err != nil {
			fmt.Fprintf(stderr, "assay keys list: %v\n", err)
			continue
		}
		fmt.Fprintf(stdout, "%-20s %s\n", node.KeyName(p), kf.Address)
	}
	return 0
}

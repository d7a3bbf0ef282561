#!/bin/sh
# Rebuilds the adversarial corpus (.wasm next to each .wat) with wabt's
# wat2wasm (Debian package wabt, 1.0.32) and the generator in gen/.
# Run from anywhere; the .wasm files are committed so tests need no tool.
set -eu
cd "$(dirname "$0")"
command -v wat2wasm >/dev/null || { echo "build.sh: wat2wasm not found (apt-get install wabt)" >&2; exit 1; }
# Invalid on purpose (they test that the checker validates indexes).
nocheck="gas_refill local_oob export_oob"
for src in *.wat; do
	name=${src%.wat}
	case " $nocheck " in
	*" $name "*) wat2wasm --enable-all --no-check "$src" -o "$name.wasm" ;;
	*) wat2wasm --enable-all "$src" -o "$name.wasm" ;;
	esac
done
go run ./gen

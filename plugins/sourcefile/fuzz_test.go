package sourcefile

import "testing"

// FuzzDecode feeds arbitrary bytes to both decoders and to Validate: they
// must return errors, never panic, and an accepted source must carry a
// valid fetch spec.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(base+"[fetch]\nkind = \"http\"\n[fetch.config]\nurl = \"x/{{height}}\"\n"), true)
	f.Add([]byte(`{"id":"a","code":"bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4","every":1,"replicas":1,"gas_limit":1,"max_output":1,"fetch":{"kind":"http","config":{}}}`), false)
	f.Add([]byte("id = [1, {a = 2}]\n[fetch.config]\nx = 1979-05-27T07:32:00Z"), true)
	f.Fuzz(func(t *testing.T, data []byte, isTOML bool) {
		decode := decodeJSON
		if isTOML {
			decode = decodeTOML
		}
		sf, err := decode(data)
		if err != nil {
			return
		}
		if sf.Validate() == nil {
			if err := sf.Fetch.Validate(); err != nil {
				t.Fatalf("accepted source with a bad fetch spec: %v", err)
			}
		}
	})
}

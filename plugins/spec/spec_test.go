package spec

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		spec FetchSpec
		ok   bool
	}{
		{FetchSpec{Kind: "http", Config: []byte(`{"url":"x/{{height}}"}`)}, true},
		{FetchSpec{Kind: "eth_block.v2-x", Config: []byte(`{}`)}, true},
		{FetchSpec{Kind: "", Config: []byte(`{}`)}, false},
		{FetchSpec{Kind: "9http", Config: []byte(`{}`)}, false},
		{FetchSpec{Kind: "Http", Config: []byte(`{}`)}, false},
		{FetchSpec{Kind: strings.Repeat("a", MaxKindLen+1), Config: []byte(`{}`)}, false},
		{FetchSpec{Kind: "http"}, false},
		{FetchSpec{Kind: "http", Config: []byte(`[]`)}, false},
		{FetchSpec{Kind: "http", Config: []byte(`{"u":"{{x}}"}`)}, false},
		{FetchSpec{Kind: "http", Config: []byte(`{"u":"` + strings.Repeat("a", MaxConfigLen) + `"}`)}, false},
	}
	for _, tt := range tests {
		err := tt.spec.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("Validate(%q, %.40s) = %v, want ok=%v", tt.spec.Kind, tt.spec.Config, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrSpec) {
			t.Errorf("error %v does not wrap ErrSpec", err)
		}
	}
}

func TestUsesWindow(t *testing.T) {
	for cfg, want := range map[string]bool{
		`{"a":"{{window_end}}"}`:               true,
		`{"a":["x",{"b":"{{window_start}}"}]}`: true,
		`{"a":"{{height}}"}`:                   false,
	} {
		got, err := FetchSpec{Kind: "k", Config: []byte(cfg)}.UsesWindow()
		if err != nil || got != want {
			t.Errorf("UsesWindow(%s) = %v, %v; want %v", cfg, got, err, want)
		}
	}
}

package tx

import (
	"cmp"
	"slices"

	"github.com/assaynet/assay/consensus/pb"
)

// StoreCodeBody returns a StoreCode body (wasm raw or gzip).
func StoreCodeBody(wasm []byte) *pb.TxBody {
	return &pb.TxBody{Kind: &pb.TxBody_StoreCode{StoreCode: &pb.StoreCode{Wasm: wasm}}}
}

// RegisterSourceBody returns a RegisterSource body.
func RegisterSourceBody(id string, spec *pb.SourceSpec) *pb.TxBody {
	return &pb.TxBody{Kind: &pb.TxBody_RegisterSource{RegisterSource: &pb.RegisterSource{Id: id, Spec: spec}}}
}

// UpdateSourceBody returns an UpdateSource body.
func UpdateSourceBody(id string, spec *pb.SourceSpec) *pb.TxBody {
	return &pb.TxBody{Kind: &pb.TxBody_UpdateSource{UpdateSource: &pb.UpdateSource{Id: id, Spec: spec}}}
}

// RetireSourceBody returns a RetireSource body.
func RetireSourceBody(id string) *pb.TxBody {
	return &pb.TxBody{Kind: &pb.TxBody_RetireSource{RetireSource: &pb.RetireSource{Id: id}}}
}

// UnjailBody returns an Unjail body.
func UnjailBody() *pb.TxBody {
	return &pb.TxBody{Kind: &pb.TxBody_Unjail{Unjail: &pb.Unjail{}}}
}

// AnnounceRetrievalBody returns an AnnounceRetrieval body.
func AnnounceRetrievalBody(gateway string, multiaddrs []string) *pb.TxBody {
	return &pb.TxBody{Kind: &pb.TxBody_AnnounceRetrieval{AnnounceRetrieval: &pb.AnnounceRetrieval{Gateway: gateway, Multiaddrs: multiaddrs}}}
}

// CommitBody returns a Commit batch body with entries sorted by (source,
// round), as the chain requires.
func CommitBody(entries ...*pb.CommitEntry) *pb.TxBody {
	es := slices.Clone(entries)
	slices.SortFunc(es, func(a, b *pb.CommitEntry) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Round, b.Round))
	})
	return &pb.TxBody{Kind: &pb.TxBody_Commit{Commit: &pb.CommitBatch{Entries: es}}}
}

// RevealBody returns a Reveal batch body with entries sorted by (source,
// round), as the chain requires.
func RevealBody(entries ...*pb.RevealEntry) *pb.TxBody {
	es := slices.Clone(entries)
	slices.SortFunc(es, func(a, b *pb.RevealEntry) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Round, b.Round))
	})
	return &pb.TxBody{Kind: &pb.TxBody_Reveal{Reveal: &pb.RevealBatch{Entries: es}}}
}

// Package worker is the off-consensus half of an Assay node: it follows
// committed blocks and does the I/O the state machine asks of this node.
//
// For every open round that lists the node's operator as an assignee, the
// worker
//
//  1. fetches the round's input (a plugins fetcher),
//  2. pins the input (runtime/pin),
//  3. runs the source's validator program (runtime/sandbox; the code is read from
//     the chain by CID and stored once),
//  4. pins the output,
//  5. writes the verdict and a fresh salt to its journal on disk (fsync),
//  6. commits: a Commit tx leaves when no other broadcast is in flight
//     and a slot count of entries is ready (or no job is left, or one
//     can land only in the next block), with every entry ready by then,
//     and
//  7. reveals, in one Reveal tx per block, once the round's reveal phase
//     opens.
//
// The worker is level-triggered: after every block it reads the committed
// state of its open rounds and does whatever is still missing. A node
// killed at any point therefore reveals after a restart (the journal holds
// the salts), and a tx lost from the mempool is sent again.
//
// # Planner and loop
//
// Every decision is the planner's (plan.go), a deterministic state
// machine in the manner of etcd/raft's RawNode: no I/O, no clock, no
// contexts, no goroutines. Its inputs are what the chain shows (the
// height, the open rounds that list the operator, whether the node is
// catching up), what the journal holds and the time the block was seen;
// its output is a plan: jobs to start (each with its deadline), jobs to
// cancel or drop, one Commit batch, one Reveal batch, rounds whose reveal
// has no journal entry, and whether to prune the journal. The loop
// (Worker.Run, worker.go) is the I/O around it:
//
//  1. at a new block, read the chain (in a goroutine of its own, one read
//     at a time, so the loop never waits on the node) and call step with
//     what it read, the journal and time.Now;
//  2. perform the plan: cancel, start jobs in goroutines, queue the
//     Commit and Reveal batches, prune; one batch at a time is broadcast
//     in a goroutine of its own (the stores synced first for a commit),
//     so jobs keep starting while CheckTx waits for the node's block;
//  3. report back: sent for each batch as its broadcast starts, unsent if
//     the mempool refused it, finished (which returns the next plan) for
//     each job that returned, resend when the chain's sequence shows that
//     sent txs were lost; whenever nothing is being broadcast, ask
//     readyCommits for the commitments of the jobs that returned since.
//
// The planner is tested block by block, with no sleeps, by the scripts
// in testdata/plan (TestPlan) and over simulated lossy chains
// (TestPlanSimulated).
//
// # Notes
//
//   - Salts and verdicts reach the disk before any tx that depends on them
//     is broadcast.
//   - Jobs run by deadline, a source holds at most its fair share of the
//     slots, a fetch ends when its round's commit window does and a job
//     that can no longer commit is cancelled (sched.go), so one slow
//     source costs no other source its rounds.
//   - Loading a round's code, running its job and naming its verdict are
//     consensus/verdict's, which `assay dataset replay` calls too, so a
//     replay runs a program exactly as the worker did.
//   - It talks to its node through the Chain interface; RPC implements it
//     over consensus/chain, the chain client the CLI uses too, and txs are
//     signed and sent by a chain.Sender.
//   - Fault injection (Config.Fault) exists for tests and the devnet and is
//     off by default.
package worker

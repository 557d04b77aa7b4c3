package cmd

import (
	"github.com/cheggaaa/pb/v3"
)

// progress is a progress bar, or nothing when output is not a terminal.
type progress interface {
	Increment()
	Add(n int)
	Finish()
}

type noProgress struct{}

func (noProgress) Increment() {}
func (noProgress) Add(int)    {}
func (noProgress) Finish()    {}

type pbProgress struct{ bar *pb.ProgressBar }

func (p pbProgress) Increment() { p.bar.Increment() }
func (p pbProgress) Add(n int)  { p.bar.Add(n) }
func (p pbProgress) Finish()    { p.bar.Finish() }

// newProgress starts a bar counting to total on Env.Stderr when Env asks
// for one.
func (g *globals) newProgress(total int) progress {
	if !g.env.Progress {
		return noProgress{}
	}
	bar := pb.New(total)
	bar.SetWriter(g.env.Stderr)
	bar.Start()
	return pbProgress{bar: bar}
}

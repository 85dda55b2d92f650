package judge

import "time"

// Report is a judgement of every operation of one source, with what a
// page needs to draw it.
type Report struct {
	Generated time.Time `json:"generated"`
	// Source names where the data came from (a file, a URL, a Prometheus
	// window).
	Source     string            `json:"source"`
	Config     Config            `json:"-"`
	Operations []OperationReport `json:"operations"`
	// Skipped names the groups with no series for one of the arms (a
	// service that runs one implementation only), which are not judged.
	Skipped []string `json:"skipped,omitempty"`
}

// OperationReport is one operation's result and its arms' latency
// histograms (successful calls), for plotting.
type OperationReport struct {
	Result
	BaselineLatency  Histogram `json:"baseline_latency"`
	CandidateLatency Histogram `json:"candidate_latency"`
}

// Counts tallies the verdicts of a report.
func (r Report) Counts() map[Verdict]int {
	out := map[Verdict]int{}
	for _, o := range r.Operations {
		out[o.Verdict]++
	}
	return out
}

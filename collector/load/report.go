package main

import (
	"fmt"
	"io"
)

// printReport prints one table per signal: each case's median items/s,
// collector CPU-seconds per million items and peak RSS, with the ratios
// that matter: each case against Seam's passthrough, and the schema
// processor against upstream's transform+redaction on the same batches.
func printReport(w io.Writer, o options, results []caseResult) {
	byKey := map[string]caseResult{}
	for _, r := range results {
		byKey[r.Signal+"/"+r.Variant.Name+"/"+r.KindStr] = r
	}
	for _, s := range o.signals {
		base := byKey[s+"/seam batch/conformant"]
		baseTP, baseCPU, _ := base.median()
		fmt.Fprintf(w, "\n%s (%d workers × %d items per request, %s × %d rounds, median)\n\n", s, o.workers, o.items, o.duration, o.rounds)
		fmt.Fprintln(w, "| pipeline | data | items/s | CPU-s per M items | peak RSS | throughput vs seam batch | items per CPU-s vs seam batch | seam_schema's lead over upstream (throughput, CPU per item) |")
		fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- |")
		for _, r := range results {
			if r.Signal != s {
				continue
			}
			tp, cpu, rss := r.median()
			lead := ""
			if r.Variant.pipeline.name == upstreamFixes.name {
				if seam, ok := byKey[s+"/seam seam_schema/"+r.KindStr]; ok {
					stp, scpu, _ := seam.median()
					lead = fmt.Sprintf("%.1f×, %.1f×", stp/tp, cpu/scpu)
				}
			}
			fmt.Fprintf(w, "| %s | %s | %.0f | %.2f | %d MiB | %.3f | %.3f | %s |\n",
				r.Variant.Name, r.KindStr, tp, cpu, rss>>20, tp/baseTP, baseCPU/cpu, lead)
		}
	}
}

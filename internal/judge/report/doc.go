// Package report renders a judge.Report as one self-contained HTML page:
// a summary of the verdicts, then per operation its verdict and reason,
// the two arms' latency distributions over the schema's buckets (share of
// calls per decade of latency, on a log time axis, so wide buckets do not
// look heavy), their CDFs, the candidate/baseline quantile ratios with
// their intervals, the error ratios, panics and fallbacks, and the tests.
//
// The plots are drawn by uPlot 1.6.32 (MIT, by Leon Sorokin; the npm
// package uplot@1.6.32, files dist/uPlot.iife.min.js and dist/uPlot.min.css,
// vendored unchanged under assets/ with its LICENSE). The page inlines it,
// its own stylesheet and script, and the data (a JSON block), and its
// Content-Security-Policy forbids every fetch, so it works offline and
// when mailed around.
package report

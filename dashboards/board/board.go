// Package board defines Seam's Grafana dashboards with the Grafana
// Foundation SDK. Every metric and label name comes from sdk-go/semconv
// through promname, every recorded SLO series from package slo; none is
// typed here.
package board

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/heatmap"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/seamtel/seam/dashboards/internal/repo"
	"github.com/seamtel/seam/dashboards/promname"
	"github.com/seamtel/seam/dashboards/slo"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// Template variables every dashboard has.
const (
	VarDatasource = "datasource"
	VarService    = "service"
	VarOperation  = "operation"
)

// RateInterval is the range of every range selector on a dashboard.
const RateInterval = "$__rate_interval"

// Tag marks Seam's dashboards; each links to the others through it.
const Tag = "seam"

// Datasource is the data source every panel and query reads: the
// datasource variable's choice.
var Datasource = common.DataSourceRef{Type: cog.ToPtr("prometheus"), Uid: cog.ToPtr("${" + VarDatasource + "}")}

// Label names, from the schema's attribute keys.
var (
	lService      = promname.Label(string(semconv.ServiceNameKey))
	lOperation    = promname.Label(string(semconv.SeamOperationKey))
	lImpl         = promname.Label(string(semconv.SeamImplKey))
	lRole         = promname.Label(string(semconv.SeamRoleKey))
	lError        = promname.Label(string(semconv.ErrorTypeKey))
	lBoundaryKind = promname.Label(string(semconv.SeamBoundaryKindKey))
	lFindingRule  = promname.Label(string(semconv.SeamFindingRuleKey))
	lSignal       = promname.Label(string(semconv.SeamTelemetrySignalKey))
	lReason       = promname.Label(string(semconv.SeamTelemetryReasonKey))
	lOverflow     = promname.Label(string(semconv.SeamOverflowReasonKey))
	lMode         = promname.Label(string(semconv.SeamRolloutModeKey))
	lOutcome      = promname.Label(string(semconv.SeamShadowOutcomeKey))
	lTripReason   = promname.Label(string(semconv.SeamRolloutTripReasonKey))
	lMemoryType   = promname.Label(string(semconv.GoMemoryTypeKey))
	lCPUMode      = promname.Label(string(semconv.CPUModeKey))
	lInstance     = "instance"
	lLe           = promname.BucketLabel
)

// Values of seam.impl, the two arms of a migration.
var (
	implGo   = semconv.SeamImplGo.Value.AsString()
	implRust = semconv.SeamImplRust.Value.AsString()
)

// sel is a vector selector.
type sel struct {
	name     string
	matchers []string
}

func series(name string, matchers ...string) sel { return sel{name: name, matchers: matchers} }

// with returns the selector with more matchers.
func (s sel) with(matchers ...string) sel {
	return sel{name: s.name, matchers: append(append([]string(nil), s.matchers...), matchers...)}
}

func (s sel) String() string {
	if len(s.matchers) == 0 {
		return s.name
	}
	return s.name + "{" + strings.Join(s.matchers, ", ") + "}"
}

func eq(label, value string) string { return label + "=" + strconv.Quote(value) }
func ne(label, value string) string { return label + "!=" + strconv.Quote(value) }
func re(label, value string) string { return label + "=~" + strconv.Quote(value) }

// Matchers for the service and operation variables.
var (
	byService   = re(lService, "$"+VarService)
	byOperation = re(lOperation, "$"+VarOperation)
	isError     = ne(lError, "")
)

func rangeOf(s sel) string             { return s.String() + "[" + RateInterval + "]" }
func rate(s sel) string                { return "rate(" + rangeOf(s) + ")" }
func increase(s sel) string            { return "increase(" + rangeOf(s) + ")" }
func overTime(fn string, s sel) string { return fn + "_over_time(" + rangeOf(s) + ")" }

// agg is an aggregation by labels; no labels aggregates everything.
func agg(op string, expr string, labels ...string) string {
	if len(labels) == 0 {
		return op + "(" + expr + ")"
	}
	return op + " by (" + strings.Join(labels, ", ") + ") (" + expr + ")"
}

func sum(expr string, labels ...string) string   { return agg("sum", expr, labels...) }
func maxOf(expr string, labels ...string) string { return agg("max", expr, labels...) }
func minOf(expr string, labels ...string) string { return agg("min", expr, labels...) }

// quantile is a latency quantile from a classic histogram's buckets.
func quantile(q float64, bucket sel, labels ...string) string {
	return "histogram_quantile(" + strconv.FormatFloat(q, 'g', -1, 64) + ", " +
		sum(rate(bucket), append([]string{lLe}, labels...)...) + ")"
}

// ratio is errors over total, 0 rather than nothing while there are no
// errors.
func ratio(errors, total string) string {
	return "(" + errors + " or 0 * " + total + ") / " + total
}

// query is one target of a panel.
type query struct {
	expr, legend string
	heatmap      bool
}

func q(expr, legend string) query { return query{expr: expr, legend: legend} }

func target(qu query, i int) *prometheus.DataqueryBuilder {
	t := prometheus.NewDataqueryBuilder().
		Datasource(Datasource).
		RefId(string(rune('A' + i))).
		Expr(qu.expr).
		LegendFormat(qu.legend).
		Range()
	if qu.heatmap {
		t.Format(prometheus.PromQueryFormatHeatmap)
	}
	return t
}

// Grafana units.
const (
	unitSeconds    = "s"
	unitRatio      = "percentunit"
	unitPerSecond  = "ops"
	unitBytes      = "bytes"
	unitBytesPerS  = "Bps"
	unitCount      = "short"
	unitMultiplier = "suffix:×"
)

// width in grid columns (24 across).
const (
	half  = 12
	third = 8
	full  = 24
)

func timeSeries(title, description, unit string, width uint32, qs ...query) *timeseries.PanelBuilder {
	p := timeseries.NewPanelBuilder().
		Title(title).
		Description(description).
		Datasource(Datasource).
		Unit(unit).
		Height(8).
		Span(width).
		FillOpacity(10).
		ShowPoints(common.VisibilityModeNever).
		Legend(common.NewVizLegendOptionsBuilder().
			ShowLegend(true).
			DisplayMode(common.LegendDisplayModeList).
			Placement(common.LegendPlacementBottom)).
		Tooltip(common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderDescending))
	for i, qu := range qs {
		p.WithTarget(target(qu, i))
	}
	return p
}

func stacked(p *timeseries.PanelBuilder) *timeseries.PanelBuilder {
	return p.Stacking(common.NewStackingConfigBuilder().Mode(common.StackingModeNormal)).FillOpacity(40)
}

// heatmapOf draws a classic histogram's buckets as they are, without
// Grafana recomputing them: one row per bucket bound.
func heatmapOf(title, description string, bucket sel, width uint32) *heatmap.PanelBuilder {
	return heatmap.NewPanelBuilder().
		Title(title).
		Description(description).
		Datasource(Datasource).
		Unit(unitSeconds).
		Height(8).
		Span(width).
		Calculate(false).
		YAxis(heatmap.NewYAxisConfigBuilder().Unit(unitSeconds)).
		RowsFrame(heatmap.NewRowsHeatmapOptionsBuilder().Layout(common.HeatmapCellLayoutLe)).
		Color(heatmap.NewHeatmapColorOptionsBuilder().
			Mode(heatmap.HeatmapColorModeScheme).
			Scheme("Oranges").
			Scale(heatmap.HeatmapColorScaleExponential).
			Exponent(0.5).
			Steps(64)).
		CellValues(heatmap.NewCellValuesBuilder().Unit(unitPerSecond)).
		ShowValue(common.VisibilityModeNever).
		Tooltip(heatmap.NewHeatmapTooltipBuilder().Mode(common.TooltipDisplayModeSingle).YHistogram(true)).
		WithTarget(target(query{expr: sum(rate(bucket), lLe), legend: "{{" + lLe + "}}", heatmap: true}, 0))
}

func statOf(title, description, unit string, width uint32, thresholds *dashboard.ThresholdsConfigBuilder, qs ...query) *stat.PanelBuilder {
	p := stat.NewPanelBuilder().
		Title(title).
		Description(description).
		Datasource(Datasource).
		Unit(unit).
		Height(6).
		Span(width).
		ColorMode(common.BigValueColorModeBackground).
		GraphMode(common.BigValueGraphModeArea).
		ReduceOptions(common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"})).
		Thresholds(thresholds)
	for i, qu := range qs {
		p.WithTarget(target(qu, i))
	}
	return p
}

func steps(base string, more ...dashboard.Threshold) *dashboard.ThresholdsConfigBuilder {
	return dashboard.NewThresholdsConfigBuilder().
		Mode(dashboard.ThresholdsModeAbsolute).
		Steps(append([]dashboard.Threshold{{Value: nil, Color: base}}, more...))
}

func step(value float64, color string) dashboard.Threshold {
	return dashboard.Threshold{Value: cog.ToPtr(value), Color: color}
}

// lines draws thresholds on a time series as dashed lines.
func lines(p *timeseries.PanelBuilder, th *dashboard.ThresholdsConfigBuilder) *timeseries.PanelBuilder {
	return p.Thresholds(th).ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeDashed))
}

func row(title string) *dashboard.RowBuilder { return dashboard.NewRowBuilder(title) }

// variables are the template variables every dashboard starts with.
func variables(b *dashboard.DashboardBuilder) *dashboard.DashboardBuilder {
	opDuration := promname.Of(semconv.SeamOperationDurationName)
	return b.
		WithVariable(dashboard.NewDatasourceVariableBuilder(VarDatasource).
			Label("Data source").
			Type("prometheus")).
		WithVariable(dashboard.NewQueryVariableBuilder(VarService).
			Label("Service").
			Datasource(Datasource).
			Query(dashboard.StringOrMap{String: cog.ToPtr("label_values(" + lService + ")")}).
			Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
			Sort(dashboard.VariableSortAlphabeticalAsc).
			Multi(true).
			IncludeAll(true).
			AllValue(".+")).
		WithVariable(dashboard.NewQueryVariableBuilder(VarOperation).
			Label("Operation").
			Datasource(Datasource).
			Query(dashboard.StringOrMap{String: cog.ToPtr("label_values(" + series(opDuration.Count(), byService).String() + ", " + lOperation + ")")}).
			Refresh(dashboard.VariableRefreshOnTimeRangeChanged).
			Sort(dashboard.VariableSortAlphabeticalAsc).
			Multi(true).
			IncludeAll(true).
			AllValue(".+"))
}

// newBoard starts a dashboard with Seam's common settings.
func newBoard(uid, title, description string) *dashboard.DashboardBuilder {
	b := dashboard.NewDashboardBuilder(title).
		Uid(uid).
		Description(description).
		Tags([]string{Tag}).
		Editable().
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Time("now-1h", "now").
		Timezone(common.TimeZoneBrowser).
		Refresh("30s").
		Link(dashboard.NewDashboardLinkBuilder("Seam").
			Type(dashboard.DashboardLinkTypeDashboards).
			Tags([]string{Tag}).
			AsDropdown(true).
			IncludeVars(true).
			KeepTime(true))
	return variables(b)
}

// Board is one generated dashboard.
type Board struct {
	File  string // under dashboards/
	Build func(Config) *dashboard.DashboardBuilder
}

// Config is what the dashboards read besides the schema.
type Config struct {
	// SLOPeriod is the error budget's window of alerts/slos.yaml.
	SLOPeriod string
}

// All lists every dashboard in the order of their files.
func All() []Board {
	return []Board{
		{File: "boundary.json", Build: func(Config) *dashboard.DashboardBuilder { return Boundary() }},
		{File: "collector.json", Build: func(Config) *dashboard.DashboardBuilder { return Collector() }},
		{File: "migration.json", Build: func(Config) *dashboard.DashboardBuilder { return Migration() }},
		{File: "runtime.json", Build: func(Config) *dashboard.DashboardBuilder { return Runtime() }},
		{File: "slos.json", Build: SLOs},
	}
}

// Render builds a dashboard and writes it as the JSON Grafana imports:
// panels numbered in order, two-space indents, a final newline.
func Render(b *dashboard.DashboardBuilder) ([]byte, error) {
	d, err := b.Build()
	if err != nil {
		return nil, err
	}
	id := uint32(1)
	for _, p := range d.Panels {
		switch {
		case p.Panel != nil:
			p.Panel.Id = cog.ToPtr(id)
		case p.RowPanel != nil:
			p.RowPanel.Id = id
		default:
			return nil, errors.New("a panel of an unknown kind")
		}
		id++
	}
	out, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// Dir is where the dashboards are written, from the checkout's root.
const Dir = "dashboards"

// File is one generated dashboard file.
type File struct {
	Name string
	JSON []byte
}

// Generate renders every dashboard, reading the SLO period from
// alerts/slos.yaml.
func Generate() ([]File, error) {
	path, err := repo.Path(slo.SLOsFile)
	if err != nil {
		return nil, err
	}
	slos, err := slo.Load(path)
	if err != nil {
		return nil, err
	}
	c := Config{SLOPeriod: slos.Period}
	var out []File
	for _, b := range All() {
		j, err := Render(b.Build(c))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", b.File, err)
		}
		out = append(out, File{Name: b.File, JSON: j})
	}
	return out, nil
}

package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/seamtel/seam/internal/judge"
	"github.com/seamtel/seam/internal/judge/report"
	"github.com/seamtel/seam/internal/judge/report/reporttest"
)

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// chromium finds the browser, or skips the test when it is not installed
// and CI is not set; in CI a missing browser is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err == nil {
		return chromiumPath
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set and Chromium is not installed (%s): make deps installs Debian's chromium package", chromiumPath)
	}
	t.Skipf("Chromium is not installed (%s): the report page is not checked in a browser; install Debian's chromium package (make deps) to run this test", chromiumPath)
	return ""
}

// syncBuffer collects the browser's output for a failure message.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// plotState is what the page says of one plot element.
type plotState struct {
	ID       string  `json:"id"`
	Rendered string  `json:"rendered"`
	Error    string  `json:"error"`
	Width    float64 `json:"width"`
	Height   float64 `json:"height"`
	Left     float64 `json:"left"`
	Top      float64 `json:"top"`
}

type verdictState struct {
	Text       string `json:"text"`
	Background string `json:"background"`
}

const verdictsJS = `Array.from(document.querySelectorAll(".op .verdict")).map(function (e) {
  return {text: e.textContent.trim(), background: getComputedStyle(e).backgroundColor};
})`

// plotsJS reads every plot element: its data attributes and its canvas's
// size and place on the page (CSS pixels, from the top of the document).
const plotsJS = `Array.from(document.querySelectorAll(".plot")).map(function (e) {
  var c = e.querySelector("canvas"), r = c ? c.getBoundingClientRect() : null;
  return {
    id: e.id,
    rendered: e.getAttribute("data-rendered") || "",
    error: e.getAttribute("data-error") || "",
    width: r ? r.width : 0, height: r ? r.height : 0,
    left: r ? r.left + window.scrollX : 0, top: r ? r.top + window.scrollY : 0,
  };
})`

// hoverJS moves a pointer to the middle of the first distribution plot
// and reads its legend once uPlot has drawn the cursor.
const hoverJS = `new Promise(function (resolve) {
  var plot = document.querySelector(".plot-dist"), over = plot.querySelector(".u-over"), r = over.getBoundingClientRect();
  over.dispatchEvent(new MouseEvent("mousemove", {clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true}));
  requestAnimationFrame(function () {
    requestAnimationFrame(function () {
      resolve(Array.from(plot.querySelectorAll(".u-legend .u-value")).map(function (e) { return e.textContent; }));
    });
  });
})`

const armColoursJS = `["baseline", "candidate"].map(function (a) {
  return getComputedStyle(document.querySelector(".swatch-" + a)).backgroundColor;
})`

// The report page, opened from a file in headless Chromium, shows each
// operation's verdict, draws every plot, and is not blank.
func TestReportPageInChromium(t *testing.T) {
	bin := chromium(t)
	rep, want, err := reporttest.Sample()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pagePath := filepath.Join(dir, "report.html")
	var page bytes.Buffer
	if err := report.Render(&page, rep, report.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pagePath, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	profile := filepath.Join(dir, "profile")
	if err := os.Mkdir(profile, 0o700); err != nil {
		t.Fatal(err)
	}

	var output syncBuffer
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1300, 1000),
		chromedp.CombinedOutput(&output),
	)
	defer cancelAlloc() // waits for the browser process to end
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	// The first action starts the browser and binds its life to ctx, which
	// has no deadline; the steps below have one each.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v\n%s", bin, err, output.String())
	}
	defer func() {
		cctx, c := context.WithTimeout(ctx, 15*time.Second)
		defer c()
		if err := chromedp.Cancel(cctx); err != nil {
			t.Logf("closing the browser: %v", err)
		}
	}()

	var mu sync.Mutex
	var problems, requests []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			problems = append(problems, "exception: "+msg)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, a.Description+string(a.Value))
				}
				problems = append(problems, "console.error: "+strings.Join(parts, " "))
			}
		case *network.EventRequestWillBeSent:
			requests = append(requests, ev.Request.URL)
		}
	}); err != nil {
		t.Fatal(err)
	}

	step, stepCancel := context.WithTimeout(ctx, 90*time.Second)
	defer stepCancel()
	fileURL := (&url.URL{Scheme: "file", Path: pagePath}).String()
	if err := chromedp.Do(step,
		chromedp.Navigate(fileURL),
		chromedp.WaitReady(chromedp.CSS("body[data-plots]")),
	); err != nil {
		t.Fatalf("loading %s: %v\n%s", fileURL, err, output.String())
	}

	verdicts, err := chromedp.Run(step, chromedp.Evaluate[[]verdictState](verdictsJS))
	if err != nil {
		t.Fatal(err)
	}
	if len(verdicts) != len(want) {
		t.Fatalf("%d verdicts shown, want %d", len(verdicts), len(want))
	}
	verdictColours := map[string]color.RGBA{}
	for i, v := range verdicts {
		if label := verdictLabel(want[i]); v.Text != label {
			t.Errorf("operation %d (%s): verdict %q shown, want %q", i, rep.Operations[i].Operation, v.Text, label)
		}
		c, err := parseRGB(v.Background)
		if err != nil {
			t.Fatalf("verdict %q: %v", v.Text, err)
		}
		verdictColours[v.Text] = c
	}
	if len(verdictColours) != 4 {
		t.Errorf("%d verdict colours, want one per verdict: %v", len(verdictColours), verdictColours)
	}

	plots, err := chromedp.Run(step, chromedp.Evaluate[[]plotState](plotsJS))
	if err != nil {
		t.Fatal(err)
	}
	// Three plots per operation, but the one without candidate latencies
	// has no quantile ratios to draw.
	if wantPlots := 3*len(want) - 1; len(plots) != wantPlots {
		t.Errorf("%d plot elements, want %d", len(plots), wantPlots)
	}
	for _, p := range plots {
		if p.Rendered != "true" || p.Error != "" || p.Width < 100 || p.Height < 100 {
			t.Errorf("plot %s: rendered %q, error %q, canvas %gx%g", p.ID, p.Rendered, p.Error, p.Width, p.Height)
		}
	}
	// A pointer over the first distribution plot fills its legend with the
	// bucket under it and both arms' shares there.
	legend, err := chromedp.Run(step, chromedp.Evaluate[[]string](hoverJS, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(legend) != 3 || !strings.Contains(legend[0], "µs") || !strings.HasSuffix(legend[1], "% of calls") || !strings.HasSuffix(legend[2], "% of calls") {
		t.Errorf("legend under the pointer: %q, want a bucket and two shares", legend)
	} else {
		t.Logf("legend under the pointer: %q", legend)
	}
	arms, err := chromedp.Run(step, chromedp.Evaluate[[]string](armColoursJS))
	if err != nil {
		t.Fatal(err)
	}

	shot, err := chromedp.Run(step, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	shotPath := filepath.Join(dir, "report.png")
	if keep := os.Getenv("SEAM_REPORT_SCREENSHOT"); keep != "" {
		shotPath = keep
	}
	if err := os.WriteFile(shotPath, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (set SEAM_REPORT_SCREENSHOT to keep it elsewhere)", shotPath)
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}

	b := img.Bounds()
	if b.Dx() < 1000 || b.Dy() < 2000 {
		t.Errorf("screenshot %dx%d: not the full page", b.Dx(), b.Dy())
	}
	bg := rgba(img.At(b.Min.X+1, b.Min.Y+1))
	differ := count(img, b, func(c color.RGBA) bool { return !near(c, bg, 8) })
	if share := float64(differ) / float64(b.Dx()*b.Dy()); share < 0.02 {
		t.Errorf("only %.2f%% of the screenshot differs from the background %v: blank", 100*share, bg)
	} else {
		t.Logf("%.1f%% of the screenshot differs from the background", 100*share)
	}
	for label, c := range verdictColours {
		if n := count(img, b, func(p color.RGBA) bool { return near(p, c, 3) }); n < 500 {
			t.Errorf("verdict %s: %d pixels of its colour %v in the screenshot", label, n, c)
		}
	}
	// Each arm's colour is drawn inside the first distribution plot's canvas.
	if len(plots) > 0 && len(arms) == 2 {
		p := plots[0]
		area := image.Rect(int(p.Left), int(p.Top), int(p.Left+p.Width), int(p.Top+p.Height)).Intersect(b)
		for i, name := range []string{"baseline", "candidate"} {
			c, err := parseRGB(arms[i])
			if err != nil {
				t.Fatal(err)
			}
			if n := count(img, area, func(px color.RGBA) bool { return near(px, c, 24) }); n < 100 {
				t.Errorf("plot %s: %d pixels of the %s colour %v", p.ID, n, name, c)
			}
		}
	}

	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("page: %s", p)
	}
	for _, r := range requests {
		if !strings.HasPrefix(r, "file:") && !strings.HasPrefix(r, "data:") {
			t.Errorf("the page fetched %s", r)
		}
	}
}

func verdictLabel(v judge.Verdict) string {
	if v == judge.NoData {
		return "NO DATA"
	}
	return strings.ToUpper(string(v))
}

// parseRGB reads a computed CSS colour, "rgb(r, g, b)".
func parseRGB(s string) (color.RGBA, error) {
	var r, g, b uint8
	if _, err := fmt.Sscanf(s, "rgb(%d, %d, %d)", &r, &g, &b); err != nil {
		return color.RGBA{}, fmt.Errorf("colour %q: %v", s, err)
	}
	return color.RGBA{r, g, b, 255}, nil
}

func rgba(c color.Color) color.RGBA {
	r, g, b, a := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
}

func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) bool { return int(x)-int(y) <= tol && int(y)-int(x) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B)
}

func count(img image.Image, r image.Rectangle, match func(color.RGBA) bool) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if match(rgba(img.At(x, y))) {
				n++
			}
		}
	}
	return n
}

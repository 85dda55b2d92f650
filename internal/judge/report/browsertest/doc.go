// Package browsertest opens the judge report page in a real headless
// Chromium and checks what it shows: the verdicts, that every plot drew,
// and that a screenshot of the page is not blank. It is a module of its
// own so that chromedp and its dependencies stay out of the root module.
//
// The test needs /usr/bin/chromium (Debian's chromium package; make deps
// installs it). Without it the test is skipped, unless CI is set, where a
// missing browser fails it.
package browsertest

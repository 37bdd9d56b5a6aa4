import Foundation

/// `ttsarchive report`: one self-contained HTML page (inline CSS and SVG, no script, no external
/// asset) with the recent nights as charts and a table of runs linked along the manifest chain.
public struct HTMLReport: Sendable {
    public let status: StatusReport

    /// Links expire an hour after listing: the run's duration is drawn against it.
    public static let linkLifetimeMinutes = 60.0

    public init(status: StatusReport) { self.status = status }

    /// The page.
    public func html() -> String {
        let runs = Array(status.runs.reversed())  // oldest first, for the charts
        let labels = runs.map { Self.nightLabel($0.window.createUntil) }
        let tooltips = runs.map { "\($0.runID) (window \($0.window.createSince) … \($0.window.createUntil))" }
        var duration = SVGChart(
            id: "chart-duration", title: "Run duration against the one-hour link lifetime", labels: labels, tooltips: tooltips,
            series: [.init("run duration", color: "#7c3aed", values: runs.map { ($0.durationSeconds ?? 0) / 60 })],
            unit: .minutes, reference: .init(value: Self.linkLifetimeMinutes, label: "links expire after 60 min"))
        duration.barLabels = runs.map { $0.durationSeconds.map(Durations.text) ?? "–" }
        let charts = [
            SVGChart(
                id: "chart-jobs-bytes", title: "Jobs and bytes archived per night", labels: labels, tooltips: tooltips,
                series: [
                    .init("jobs archived", color: "#2563eb", values: runs.map { Double($0.jobsArchived) }),
                    .init("bytes (original)", color: "#0d9488", values: runs.map { Double($0.bytes) }, style: .line, onRightAxis: true),
                ],
                unit: .count, rightUnit: .bytes),
            SVGChart(
                id: "chart-failures", title: "Failures and re-lists per night", labels: labels, tooltips: tooltips,
                series: [
                    .init("failures", color: "#dc2626", values: runs.map { Double($0.failures) }),
                    .init("re-lists (links refreshed)", color: "#d97706", values: runs.map { Double($0.relists) }),
                    .init("retries", color: "#64748b", values: runs.map { Double($0.retries) }, style: .line),
                ],
                unit: .count),
            duration,
            SVGChart(
                id: "chart-storage", title: "Stored vs original bytes per night", labels: labels, tooltips: tooltips,
                series: [
                    .init("original bytes", color: "#0d9488", values: runs.map { Double($0.bytes) }),
                    .init("stored (gzip, new objects only)", color: "#94a3b8", values: runs.map { Double($0.storedBytes) }),
                ],
                unit: .bytes),
        ]
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>ttsarchive report — \(HTML.escape(status.archive))</title>
            <style>\(Self.css)</style></head><body>
            <header><h1>ttsarchive report</h1>
            <p class="sub">archive <code>\(HTML.escape(status.archive))</code> · manifests <code>\(HTML.escape(status.manifests))</code> · generated \(HTML.escape(status.generatedAt))</p></header>

            """
        page += summaryCards(runs)
        page += "<section class=\"charts\">\n"
        for chart in charts { page += "<figure>\(chart.svg())</figure>\n" }
        page += "</section>\n"
        page += runTable()
        page +=
            "<footer>Digests are the SHA-256 of each manifest file; each manifest records its predecessor's, so the chain can be checked with <code>ttsarchive verify</code>. ttsarchive \(ToolInfo.version).</footer>\n</body></html>\n"
        return page
    }

    /// `06-09` from a timestamp (the night a window ends: a nightly run's date).
    static func nightLabel(_ timestamp: String) -> String {
        let parts = timestamp.split(separator: "T").first?.split(separator: "-") ?? []
        return parts.count == 3 ? "\(parts[1])-\(parts[2])" : timestamp
    }

    private func summaryCards(_ runs: [RunSummary]) -> String {
        let last = runs.last
        // Saturating: the counts come from manifests, which may be damaged.
        let original = runs.lazy.map(\.bytes).saturatingSum()
        let stored = runs.lazy.map(\.storedBytes).saturatingSum()
        let saving = original > 0 ? String(format: "%.0f%%", 100 * (1 - Double(stored) / Double(original))) : "–"
        let lastState = last.map {
            $0.succeeded ? ("ok", "succeeded") : $0.complete ? ("warn", "finished with failures") : ("bad", "incomplete")
        }
        var cards: [(String, String, String, String)] = [
            (
                "last run", last.map { "<span class=\"small\">\(HTML.escape($0.runID))</span>" } ?? "none yet", lastState?.1 ?? "",
                lastState?.0 ?? ""
            ),
            (
                "head", status.head.map { "<code>\(HTML.escape(String($0.sha256.prefix(16))))…</code>" } ?? "none",
                status.head.map { HTML.escape($0.runID) } ?? "", ""
            ),
            ("archive", "\(status.store.objects) objects", ByteCount.text(status.store.storedBytes) + " on disk", ""),
            (
                "saved (shown nights)", saving,
                "\(ByteCount.text(original)) → \(ByteCount.text(stored)) stored (compression + de-duplication)", ""
            ),
            ("pending jobs", "\(status.pending.count)", "carried to the next run", status.pending.isEmpty ? "" : "warn"),
        ]
        if let lock = status.lock { cards.append(("lock", "held", HTML.escape(lock.summary), "warn")) }
        var html = "<section class=\"cards\">\n"
        for (title, value, detail, tone) in cards {
            html +=
                "<div class=\"card \(tone)\"><div class=\"k\">\(title)</div><div class=\"v\">\(value)</div><div class=\"d\">\(detail)</div></div>\n"
        }
        return html + "</section>\n"
    }

    private func runTable() -> String {
        var html = """
            <section><h2>Runs</h2><div class="scroll"><table class="runs"><thead><tr><th>run</th><th>window (create_since … create_until)</th><th>result</th>\
            <th>jobs</th><th>artifacts</th><th>original</th><th>stored</th><th>failures</th><th>re-lists</th><th>duration</th>\
            <th>manifest SHA-256</th><th>previous</th></tr></thead><tbody>

            """
        let ids = Set(status.runs.map(\.runID))
        for run in status.runs {
            let result =
                run.succeeded
                ? "<span class=\"ok\">ok</span>"
                : run.complete ? "<span class=\"warn\">failures</span>" : "<span class=\"bad\">incomplete</span>"
            let manifestURL =
                "file://" + (ConfigFile.absolute(status.manifests, from: FileManager.default.currentDirectoryPath) + "/" + run.manifest)
                .addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!
            var previous = "–"
            if let prevID = run.previousRunID, let prevSHA = run.previousSHA256 {
                let text = "<code>\(HTML.escape(String(prevSHA.prefix(8))))…</code>"
                previous = ids.contains(prevID) ? "<a href=\"#run-\(HTML.escape(prevID))\">\(text)</a>" : text
                if run.chainIntact == false { previous += " <span class=\"bad\">chain broken</span>" }
            }
            html +=
                "<tr id=\"run-\(HTML.escape(run.runID))\"><td>\(HTML.escape(run.runID))</td><td class=\"window\">\(HTML.escape(run.window.createSince)) …<br>\(HTML.escape(run.window.createUntil))</td>"
            html +=
                "<td>\(result)</td><td>\(run.jobsArchived)</td><td>\(run.artifacts)</td><td>\(ByteCount.text(run.bytes))</td><td>\(ByteCount.text(run.storedBytes))</td>"
            html += "<td>\(run.failures)</td><td>\(run.relists)</td><td>\(run.durationSeconds.map(Durations.text) ?? "–")</td>"
            html +=
                "<td><a href=\"\(HTML.escape(manifestURL))\" title=\"\(HTML.escape(run.sha256))\"><code>\(HTML.escape(String(run.sha256.prefix(12))))…</code></a></td><td>\(previous)</td></tr>\n"
        }
        if status.runs.isEmpty { html += "<tr><td colspan=\"12\">no runs yet</td></tr>\n" }
        return html + "</tbody></table></div></section>\n"
    }

    static let css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#0f172a;background:#f8fafc;margin:0;padding:24px 32px}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}.sub{color:#475569;margin:0 0 18px}
        code{font:12px/1.3 "DejaVu Sans Mono",ui-monospace,monospace}
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:12px;margin-bottom:18px}
        .card{background:#fff;border:1px solid #e2e8f0;border-left:4px solid #2563eb;border-radius:6px;padding:10px 12px}
        .card.ok{border-left-color:#16a34a}.card.warn{border-left-color:#d97706}.card.bad{border-left-color:#dc2626}
        .card .k{color:#64748b;font-size:12px;text-transform:uppercase;letter-spacing:.04em}.card .v{font-size:18px;font-weight:600;margin:2px 0;overflow-wrap:anywhere}.card .d{color:#475569;font-size:12px}
        .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:16px}
        figure{margin:0;background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:8px}
        svg.chart{width:100%;height:auto;display:block}
        .chart-title{font-size:14px;font-weight:600;fill:#0f172a}.legend{font-size:11px;fill:#334155}.axis{font-size:10px;fill:#64748b}
        .grid{stroke:#e2e8f0;stroke-width:1}.baseline{stroke:#94a3b8;stroke-width:1}.reference-label{font-size:11px;fill:#dc2626}
        table.runs{border-collapse:collapse;width:100%;background:#fff;border:1px solid #e2e8f0;font-size:12.5px}
        .runs th,.runs td{padding:4px 6px;border-bottom:1px solid #e2e8f0;text-align:right;white-space:nowrap}
        .runs th:nth-child(-n+3),.runs td:nth-child(-n+3){text-align:left}.runs th{background:#f1f5f9;color:#334155}
        .runs tr:target{background:#fef9c3}a{color:#1d4ed8}.runs td.window{white-space:normal;font-size:11.5px;line-height:1.25}
        .scroll{overflow-x:auto}.card .v .small{font-size:14px}.bar-label{font-size:10px;fill:#334155}
        .ok{color:#15803d;font-weight:600}.warn{color:#b45309;font-weight:600}.bad{color:#b91c1c;font-weight:600}
        footer{color:#64748b;font-size:12px;margin-top:20px}
        """
}

extension HTMLReport {
    /// Writes the page atomically (a reader never sees half of it).
    public func write(to path: String) throws {
        try POSIXFile.writeAtomically(Array(html().utf8), to: path)
    }
}

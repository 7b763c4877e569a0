extension TimelineReport {
  /// One self-contained HTML file: no script, no network, inline SVG charts
  /// (request rate, error rate, latency percentiles) with the incident
  /// shaded and the alerts' thresholds drawn as lines. Prints cleanly.
  package var html: String {
    var out = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>Incident timeline</title>
      <style>\(Self.css)</style>
      </head>
      <body>
      <h1>Incident timeline</h1>

      """
    out += "<p class=\"meta\">\(Self.escape(header))</p>\n"
    if incidents.isEmpty {
      var text = "No incident: no alert fired"
      if let first = firstTimestamp, let last = lastTimestamp {
        text += " between \(Self.clock(first, full: true)) and \(Self.clock(last, full: true))"
      }
      out +=
        "<p>\(Self.escape(text)). Name a window with <code>--from</code> and <code>--to</code> to see it anyway.</p>\n"
    }
    for incident in incidents { out += incident.html(self) }
    if !notes.isEmpty {
      out += "<h2>Notes</h2>\n<ul>\n" + notes.map { "<li>\(Self.escape($0))</li>\n" }.joined() + "</ul>\n"
    }
    out += "<footer>Written by logscan timeline. Every value from the logs has been redacted.</footer>\n"
    out += "</body>\n</html>\n"
    return out
  }

  static let css = """
    body{font:14px/1.45 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2328;max-width:1000px;\
    margin:24px auto;padding:0 16px}
    h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;border-bottom:1px solid #d0d7de;padding-bottom:4px;\
    margin-top:36px}h3{font-size:16px;margin:22px 0 8px}
    .meta{color:#59636e}.sev{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;\
    font-weight:600;vertical-align:middle;color:#fff;background:#6e7781}.sev-critical{background:#cf222e}\
    .sev-warning{background:#bf8700}.sev-info{background:#0969da}
    table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}th,td{border:1px solid #d0d7de;\
    padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}td.n{text-align:right;\
    font-variant-numeric:tabular-nums}table.times{width:auto}code{font:12px ui-monospace,Menlo,monospace;\
    background:#f6f8fa;padding:1px 4px;border-radius:4px}
    tr.k-change td{background:#fff8c5}tr.k-firing td,tr.k-start td{background:#ffebe9}\
    tr.k-resolved td,tr.k-recovery td{background:#dafbe1}
    figure{margin:8px 0 14px}figcaption{font-size:12px;color:#59636e}svg{width:100%;height:auto;display:block}
    footer{margin-top:40px;color:#59636e;font-size:12px}
    @media print{body{max-width:none;margin:0}section{break-before:page}section:first-of-type{break-before:auto}\
    figure,table.times{break-inside:avoid}tr{break-inside:avoid}}
    """

  /// Text as HTML (and XML) character data or attribute value.
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default:
        // Control characters are not allowed in XML; show them as U+FFFD.
        if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" {
          out += "\u{FFFD}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  /// A table of header cells and rows; `numeric` columns are right-aligned.
  static func htmlTable(
    _ headers: [String], _ rows: [[String]], numeric: Set<Int> = [], rowClass: [String]? = nil, className: String? = nil
  ) -> String {
    var out = "<table\(className.map { " class=\"\($0)\"" } ?? "")>\n<thead><tr>"
    out += headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
    for (index, row) in rows.enumerated() {
      let rowAttribute = rowClass.map { " class=\"\($0[index])\"" } ?? ""
      out += "<tr\(rowAttribute)>"
      out += row.enumerated().map { column, cell in
        numeric.contains(column) ? "<td class=\"n\">\(escape(cell))</td>" : "<td>\(escape(cell))</td>"
      }.joined()
      out += "</tr>\n"
    }
    return out + "</tbody>\n</table>\n"
  }
}

extension TimelineReport.Incident {
  func html(_ report: TimelineReport) -> String {
    typealias R = TimelineReport
    var out = "<section>\n<h2>Incident \(number): \(R.escape(title))"
    if let severity { out += " <span class=\"sev sev-\(severity.rawValue)\">\(severity.rawValue)</span>" }
    out += "</h2>\n<p>\(R.escape(summary))</p>\n"
    out += R.htmlTable(["When", ""], keyTimes.map { [$0.0, $0.1] }, className: "times")
    out += "<h3>Impact</h3>\n<ul>\n" + impactLines(report).map { "<li>\(R.escape($0))</li>\n" }.joined() + "</ul>\n"
    if !impact.routes.isEmpty {
      out += R.htmlTable(
        ["Route", "Failed", "Events", "Error rate"],
        impact.routes.prefix(10).map { route in
          [
            route.route, Format.count(route.errors), Format.count(route.events),
            route.events > 0 ? Format.percent(Double(route.errors) / Double(route.events)) : "-",
          ]
        }, numeric: [1, 2, 3])
    }
    if !points.isEmpty {
      out += "<h3>Charts</h3>\n" + charts()
    }
    if !alerts.isEmpty {
      out += "<h3>Alerts</h3>\n"
      out += R.htmlTable(
        ["Rule", "Severity", "Scope", "Pending", "Fired", "Resolved", "Peak", "Condition"],
        alerts.map { alert in
          [
            alert.rule, alert.severity.rawValue, alert.scope.first.map { "\($0.0) \($0.1)" } ?? "overall",
            R.time(alert.start, day: start), R.time(alert.fired, day: start),
            alert.resolved.map { R.time($0, day: start) } ?? "still firing", alert.peakText, alert.condition,
          ]
        }, numeric: [6])
    }
    out += "<h3>Timeline</h3>\n"
    out += R.htmlTable(
      ["Time (UTC)", "Event", "Service", "What"],
      entries.map { [R.time($0.at, day: start), $0.kind.label, $0.service ?? "", $0.text] },
      rowClass: entries.map { "k-" + $0.kind.rawValue })
    if !templates.isEmpty {
      out += "<h3>Top errors against the hour before</h3>\n"
      out += R.htmlTable(
        ["Error", "During", "Hour before", "Change"],
        templates.map { [$0.template, Format.count($0.during), Format.count($0.hourBefore), $0.change] },
        numeric: [1, 2])
    }
    if !samples.isEmpty {
      out += "<h3>Sample failed requests</h3>\n"
      let table = RequestsReport.requestTable(samples, markdown: true)
      out += R.htmlTable(table.headers, table.rows, numeric: [1, 2])
      out += "<p>Each one's full story: <code>logscan trace \(R.escape(samples[0].id))</code> over the same logs.</p>\n"
    }
    return out + "</section>\n"
  }

  /// The three charts, as inline SVG figures.
  func charts() -> String {
    let x = points.map { $0.at + Int64($0.minutes) * 30_000_000_000 }
    let shade = (start, until)
    let palette = ["#8250df", "#953800", "#bf3989"]
    var requestSeries = [SVGChart.Series(name: "all services", color: "#0969da", values: points.map { $0.perMinute })]
    var errorSeries = [SVGChart.Series(name: "all services", color: "#0969da", values: points.map(\.errorRate))]
    for (index, line) in serviceLines.enumerated() {
      let color = palette[index % palette.count]
      requestSeries.append(
        .init(
          name: line.service, color: color,
          values: zip(line.events, points).map { Double($0) / Double($1.minutes) }))
      errorSeries.append(
        .init(
          name: line.service, color: color,
          values: zip(line.events, line.errors).map { $0 > 0 ? Double($1) / Double($0) : nil }))
    }
    let latency = [
      SVGChart.Series(name: "p50", color: "#1a7f37", values: points.map(\.p50)),
      SVGChart.Series(name: "p95", color: "#bf8700", values: points.map(\.p95)),
      SVGChart.Series(name: "p99", color: "#cf222e", values: points.map(\.p99)),
    ]
    func lines(_ chart: TimelineReport.Chart) -> [(Double, String)] {
      thresholds.filter { $0.chart == chart }.map { ($0.value, $0.label) }
    }
    let perPoint = points.first.map { $0.minutes > 1 ? " (\($0.minutes)-minute points)" : "" } ?? ""
    var out = ""
    out += SVGChart(
      title: "Requests per minute", x: x, series: requestSeries, thresholds: lines(.requests), shade: shade,
      format: { Format.count(Int($0.rounded())) }
    ).figure(caption: "Events per minute\(perPoint); the incident is shaded.")
    out += SVGChart(
      title: "Error rate", x: x, series: errorSeries, thresholds: lines(.errorRate), shade: shade,
      format: { $0 == 0 ? "0" : Format.fixed($0 * 100, $0 < 0.1 ? 1 : 0) + "%" }
    ).figure(caption: "Failed events / events; dashed: alert thresholds.")
    out += SVGChart(
      title: "Latency", x: x, series: latency, thresholds: lines(.latency), shade: shade,
      format: { $0 == 0 ? "0" : Format.duration(ms: $0) }
    ).figure(caption: "p50, p95 and p99 of durations (all services); dashed: alert thresholds.")
    return out
  }
}

/// A line chart as SVG: time on x, one or more series, dashed threshold
/// lines and a shaded span. Valid XML, no script.
struct SVGChart {
  struct Series {
    var name: String
    var color: String
    var values: [Double?]
  }

  let title: String
  let x: [Int64]
  let series: [Series]
  let thresholds: [(Double, String)]
  let shade: (Int64, Int64)
  let format: (Double) -> String

  static let width = 760.0
  static let height = 210.0
  static let left = 64.0
  static let right = 12.0
  static let top = 26.0
  static let bottom = 30.0

  /// The top of the y axis: four gridlines of a round step above the
  /// largest value (1, 2, 2.5 or 5 times a power of ten).
  static func niceTop(_ largest: Double) -> Double {
    guard largest > 0, largest.isFinite else { return 1 }
    let raw = largest * 1.05 / 4
    var power = 1.0
    while power * 10 <= raw { power *= 10 }
    while power > raw { power /= 10 }
    let step = [1, 2, 2.5, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
    return step * 4
  }

  func figure(caption: String) -> String {
    "<figure>\n" + svg + "<figcaption>\(TimelineReport.escape(caption))</figcaption>\n</figure>\n"
  }

  var svg: String {
    typealias C = SVGChart
    let plotWidth = C.width - C.left - C.right
    let plotHeight = C.height - C.top - C.bottom
    let low = x.first ?? 0
    let high = max((x.last ?? 0), low + 1)
    let values = series.flatMap { $0.values.compactMap { $0 } } + thresholds.map(\.0)
    let top = Self.niceTop(values.max() ?? 0)
    func px(_ t: Int64) -> Double { C.left + Double(t - low) / Double(high - low) * plotWidth }
    func py(_ v: Double) -> Double { C.top + plotHeight - min(max(v / top, 0), 1) * plotHeight }
    func n(_ v: Double) -> String { Format.fixed(v, 1) }
    var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(C.width)) \(Int(C.height))\""
    out += " role=\"img\" aria-label=\"\(TimelineReport.escape(title))\" font-family=\"Helvetica,Arial,sans-serif\""
    out += " font-size=\"11\">\n"
    out += "<title>\(TimelineReport.escape(title))</title>\n"
    out += "<rect x=\"0\" y=\"0\" width=\"\(Int(C.width))\" height=\"\(Int(C.height))\" fill=\"#ffffff\"/>\n"
    // The incident.
    let s0 = max(C.left, px(shade.0))
    let s1 = min(C.left + plotWidth, px(shade.1))
    if s1 > s0 {
      out += "<rect x=\"\(n(s0))\" y=\"\(n(C.top))\" width=\"\(n(s1 - s0))\" height=\"\(n(plotHeight))\""
      out += " fill=\"#cf222e\" fill-opacity=\"0.09\"/>\n"
    }
    // Grid and y labels.
    for k in 0...4 {
      let v = top * Double(k) / 4
      let y = py(v)
      out += "<line x1=\"\(n(C.left))\" y1=\"\(n(y))\" x2=\"\(n(C.left + plotWidth))\" y2=\"\(n(y))\""
      out += " stroke=\"#d0d7de\" stroke-width=\"\(k == 0 ? 1 : 0.5)\"/>\n"
      out += "<text x=\"\(n(C.left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\" fill=\"#59636e\">"
      out += "\(TimelineReport.escape(format(v)))</text>\n"
    }
    // Time labels: about six, on whole minutes.
    let minute: Int64 = 60_000_000_000
    let spanMinutes = max(1, (high - low) / minute)
    let steps: [Int64] = [1, 2, 5, 10, 15, 30, 60, 120, 240, 360, 720, 1440]
    let every = (steps.first { spanMinutes / $0 <= 6 } ?? 1440) * minute
    var tick = (low / every + 1) * every
    while tick < high {
      let tx = px(tick)
      out += "<line x1=\"\(n(tx))\" y1=\"\(n(C.top + plotHeight))\" x2=\"\(n(tx))\" y2=\"\(n(C.top + plotHeight + 4))\""
      out += " stroke=\"#59636e\"/>\n"
      out += "<text x=\"\(n(tx))\" y=\"\(n(C.top + plotHeight + 16))\" text-anchor=\"middle\" fill=\"#59636e\">"
      out += String(TimelineReport.clock(tick).prefix(5)) + "</text>\n"
      tick += every
    }
    // Thresholds, their labels moved left where they would overlap.
    var placed: [(y: Double, left: Double)] = []
    for (value, label) in thresholds.sorted(by: { $0.0 > $1.0 }) {
      let y = py(value)
      out += "<line x1=\"\(n(C.left))\" y1=\"\(n(y))\" x2=\"\(n(C.left + plotWidth))\" y2=\"\(n(y))\""
      out += " stroke=\"#cf222e\" stroke-width=\"1\" stroke-dasharray=\"5 4\"/>\n"
      var right = C.left + plotWidth - 4
      for box in placed where abs(box.y - y) < 12 { right = min(right, box.left - 12) }
      let width = Double(label.count) * 6.2
      placed.append((y, right - width))
      out += "<text x=\"\(n(right))\" y=\"\(n(y - 4))\" text-anchor=\"end\" fill=\"#cf222e\">"
      out += "\(TimelineReport.escape(label))</text>\n"
    }
    // Series, broken where a value is missing.
    for line in series {
      var runs: [[String]] = [[]]
      for (t, value) in zip(x, line.values) {
        if let value, value.isFinite {
          runs[runs.count - 1].append("\(n(px(t))),\(n(py(value)))")
        } else if !runs[runs.count - 1].isEmpty {
          runs.append([])
        }
      }
      for run in runs where !run.isEmpty {
        if run.count == 1 {
          let xy = run[0].split(separator: ",")
          out += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2\" fill=\"\(line.color)\"/>\n"
        } else {
          out += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.6\" stroke-linejoin=\"round\""
          out += " points=\"\(run.joined(separator: " "))\"/>\n"
        }
      }
    }
    // Title and legend.
    out += "<text x=\"\(n(C.left))\" y=\"16\" font-size=\"13\" font-weight=\"bold\" fill=\"#1f2328\">"
    out += "\(TimelineReport.escape(title))</text>\n"
    var legendX = C.left + plotWidth
    for line in series.reversed() {
      let label = TimelineReport.escape(line.name)
      let width = Double(line.name.count) * 6.2 + 22
      legendX -= width
      out += "<rect x=\"\(n(legendX))\" y=\"8\" width=\"12\" height=\"3\" fill=\"\(line.color)\"/>\n"
      out += "<text x=\"\(n(legendX + 16))\" y=\"14\" fill=\"#1f2328\">\(label)</text>\n"
    }
    return out + "</svg>\n"
  }
}

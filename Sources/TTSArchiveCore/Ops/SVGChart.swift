import Foundation

/// A small bar/line chart drawn as an inline SVG element: categories along x, one or two value
/// axes, an optional dashed reference line. No script, no external asset: it renders in any
/// browser and in an e-mail client.
public struct SVGChart: Sendable {
    /// How an axis' numbers are written.
    public enum Unit: Sendable {
        case count
        case bytes
        case minutes

        func text(_ value: Double) -> String {
            switch self {
            case .count:
                return value >= 10_000
                    ? String(format: "%.0fk", value / 1000) : String(format: value == value.rounded() ? "%.0f" : "%.1f", value)
            case .bytes: return ByteCount.text(Int64(saturating: value))
            case .minutes:
                return value < 10 && value != value.rounded() ? String(format: "%.1f min", value) : String(format: "%.0f min", value)
            }
        }
    }

    /// One data series.
    public struct Series: Sendable {
        public enum Style: Sendable { case bars, line }
        public var name: String
        public var color: String
        public var values: [Double]
        public var style: Style
        /// Drawn against the right-hand axis (`rightUnit`).
        public var onRightAxis: Bool

        public init(_ name: String, color: String, values: [Double], style: Style = .bars, onRightAxis: Bool = false) {
            self.name = name
            self.color = color
            self.values = values
            self.style = style
            self.onRightAxis = onRightAxis
        }
    }

    /// A horizontal line at a value of the left axis, e.g. the one-hour link lifetime.
    public struct Reference: Sendable {
        public var value: Double
        public var label: String
        public init(value: Double, label: String) {
            self.value = value
            self.label = label
        }
    }

    public var id: String
    public var title: String
    public var labels: [String]
    /// A tooltip per category (e.g. the run id), shown on hover without script.
    public var tooltips: [String]
    public var series: [Series]
    public var unit: Unit
    public var rightUnit: Unit?
    public var reference: Reference?
    /// Text drawn above each category's first bar (e.g. a duration too short to see as a bar).
    public var barLabels: [String] = []
    public var width = 560.0
    public var height = 260.0

    public init(
        id: String, title: String, labels: [String], tooltips: [String] = [], series: [Series], unit: Unit,
        rightUnit: Unit? = nil, reference: Reference? = nil
    ) {
        self.id = id
        self.title = title
        self.labels = labels
        self.tooltips = tooltips
        self.series = series
        self.unit = unit
        self.rightUnit = rightUnit
        self.reference = reference
    }

    /// A round axis maximum and its tick step (1, 2, 2.5 or 5 × 10ⁿ, at most five steps).
    static func niceScale(_ maximum: Double) -> (top: Double, step: Double) {
        guard maximum > 0, maximum.isFinite else { return (1, 0.25) }
        let rough = maximum / 5
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        return (ceil(maximum / step) * step, step)
    }

    /// The `<svg>` element.
    public func svg() -> String {
        let left = 64.0, right = rightUnit == nil ? 16.0 : 72.0, top = 48.0, bottom = 40.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let leftSeries = series.filter { !$0.onRightAxis }, rightSeries = series.filter(\.onRightAxis)
        let leftMax = max(leftSeries.flatMap(\.values).max() ?? 0, reference.map { $0.value * 1.08 } ?? 0)
        let (leftTop, leftStep) = Self.niceScale(leftMax)
        let (rightTop, rightStep) = Self.niceScale(rightSeries.flatMap(\.values).max() ?? 0)
        func y(_ value: Double, rightAxis: Bool) -> Double {
            top + plotHeight * (1 - min(max(value, 0), rightAxis ? rightTop : leftTop) / (rightAxis ? rightTop : leftTop))
        }
        let count = max(labels.count, 1)
        let slot = plotWidth / Double(count)
        var svg =
            #"<svg class="chart" id="\#(HTML.escape(id))" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" aria-label="\#(HTML.escape(title))">"#
        svg += "<title>\(HTML.escape(title))</title>"
        svg += #"<text class="chart-title" x="\#(left)" y="20">\#(HTML.escape(title))</text>"#
        // Legend, left to right under the title.
        var legendX = left
        for s in series {
            svg += #"<rect x="\#(f(legendX))" y="29" width="10" height="10" rx="2" fill="\#(s.color)"/>"#
            svg += #"<text class="legend" x="\#(f(legendX + 14))" y="38">\#(HTML.escape(s.name))</text>"#
            legendX += 24 + Double(s.name.count) * 6.2
        }
        // Grid and axes.
        var tick = 0.0
        while tick <= leftTop + leftStep / 2 {
            let ty = y(tick, rightAxis: false)
            svg += #"<line class="grid" x1="\#(left)" x2="\#(f(left + plotWidth))" y1="\#(f(ty))" y2="\#(f(ty))"/>"#
            svg += #"<text class="axis" x="\#(f(left - 6))" y="\#(f(ty + 4))" text-anchor="end">\#(HTML.escape(unit.text(tick)))</text>"#
            tick += leftStep
        }
        if let rightUnit {
            tick = 0
            while tick <= rightTop + rightStep / 2 {
                let ty = y(tick, rightAxis: true)
                svg += #"<text class="axis" x="\#(f(left + plotWidth + 6))" y="\#(f(ty + 4))">\#(HTML.escape(rightUnit.text(tick)))</text>"#
                tick += rightStep
            }
        }
        svg +=
            #"<line class="baseline" x1="\#(left)" x2="\#(f(left + plotWidth))" y1="\#(f(top + plotHeight))" y2="\#(f(top + plotHeight))"/>"#
        // Bars, grouped per category.
        let bars = series.filter { $0.style == .bars }
        let barWidth = slot * 0.78 / Double(max(bars.count, 1))
        for (index, label) in labels.enumerated() {
            let x0 = left + slot * Double(index) + slot * 0.11
            for (b, s) in bars.enumerated() where index < s.values.count {
                let value = s.values[index]
                let by = y(value, rightAxis: s.onRightAxis)
                let h = max(top + plotHeight - by, value > 0 ? 1 : 0)
                svg +=
                    #"<rect class="bar" x="\#(f(x0 + barWidth * Double(b)))" y="\#(f(top + plotHeight - h))" width="\#(f(max(barWidth - 1, 1)))" height="\#(f(h))" fill="\#(s.color)">"#
                svg +=
                    "<title>\(HTML.escape(tooltip(index, label))): \(HTML.escape(s.name)) \(HTML.escape((s.onRightAxis ? rightUnit ?? unit : unit).text(value)))</title></rect>"
                if b == 0, index < barLabels.count, labels.count <= 31 {
                    svg +=
                        #"<text class="bar-label" x="\#(f(x0 + barWidth / 2))" y="\#(f(top + plotHeight - h - 4))" text-anchor="middle">\#(HTML.escape(barLabels[index]))</text>"#
                }
            }
            let every = max(1, Int((Double(labels.count) / (plotWidth / 44)).rounded(.up)))
            if index % every == 0 {
                svg +=
                    #"<text class="axis" x="\#(f(left + slot * (Double(index) + 0.5)))" y="\#(f(top + plotHeight + 16))" text-anchor="middle">\#(HTML.escape(label))</text>"#
            }
        }
        // Lines on top of the bars.
        for s in series where s.style == .line {
            let points = s.values.prefix(labels.count).enumerated().map { i, v in
                (left + slot * (Double(i) + 0.5), y(v, rightAxis: s.onRightAxis))
            }
            svg +=
                #"<polyline class="line" fill="none" stroke="\#(s.color)" stroke-width="2" points="\#(points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " "))"/>"#
            for (i, p) in points.enumerated() {
                svg +=
                    #"<circle cx="\#(f(p.0))" cy="\#(f(p.1))" r="3" fill="\#(s.color)"><title>\#(HTML.escape(tooltip(i, labels[i]))): \#(HTML.escape(s.name)) \#(HTML.escape((s.onRightAxis ? rightUnit ?? unit : unit).text(s.values[i])))</title></circle>"#
            }
        }
        if let reference {
            let ry = y(reference.value, rightAxis: false)
            svg +=
                #"<line class="reference" x1="\#(left)" x2="\#(f(left + plotWidth))" y1="\#(f(ry))" y2="\#(f(ry))" stroke="rgb(220,38,38)" stroke-width="1.5" stroke-dasharray="6 4"/>"#
            svg +=
                #"<text class="reference-label" x="\#(f(left + plotWidth - 4))" y="\#(f(ry - 5))" text-anchor="end">\#(HTML.escape(reference.label))</text>"#
        }
        if labels.isEmpty {
            svg +=
                #"<text class="axis" x="\#(f(left + plotWidth / 2))" y="\#(f(top + plotHeight / 2))" text-anchor="middle">no runs yet</text>"#
        }
        return svg + "</svg>"
    }

    private func tooltip(_ index: Int, _ label: String) -> String { index < tooltips.count ? tooltips[index] : label }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// Escaping for HTML text and attribute values.
public enum HTML {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}

import Foundation
import Testing

@testable import TTSArchiveCore

/// Headless Chromium (Debian package `chromium`, installed by `make setup`).
private let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Runs Chromium headless on `page` with its own throw-away profile.
private func headless(_ extra: [String], page: String, profile: String) async throws -> ToolProcess.Result {
    let browser = try #require(chromium, "chromium is not installed: run `make setup` (apt-get install chromium)")
    let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--user-data-dir=\(profile)"]
    return try await ToolProcess.run(flags + extra + ["file://" + page], executable: browser)
}

/// A decoded 8-bit RGB or RGBA PNG: enough to look at a screenshot's pixels.
struct PNGPixels {
    let width: Int
    let height: Int
    let channels: Int
    let rows: [[UInt8]]

    /// Parses the chunks here; zlib-inflates the image data with Python's standard library (the
    /// store's inflater speaks gzip only); undoes the row filters here.
    init(path: String, scratch: String) async throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        try #require(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG")
        func be32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        var offset = 8, idat: [UInt8] = [], header: [UInt8] = []
        while offset + 8 <= bytes.count {
            let length = be32(offset), type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let body = Array(bytes[offset + 8..<offset + 8 + length])
            if type == "IHDR" { header = body } else if type == "IDAT" { idat += body }
            offset += 12 + length
        }
        width = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        height = Int(header[4]) << 24 | Int(header[5]) << 16 | Int(header[6]) << 8 | Int(header[7])
        try #require(header[8] == 8 && [2, 6].contains(header[9]), "unexpected PNG format: depth \(header[8]) color type \(header[9])")
        channels = header[9] == 6 ? 4 : 3
        try Data(idat).write(to: URL(fileURLWithPath: scratch + ".z"))
        let inflate = try await ToolProcess.run(
            [
                "python3", "-c", "import sys, zlib; open(sys.argv[2], 'wb').write(zlib.decompress(open(sys.argv[1], 'rb').read()))",
                scratch + ".z", scratch + ".raw",
            ],
            executable: "/usr/bin/env")
        try #require(inflate.status == 0, "\(inflate.stderr)")
        let raw = [UInt8](try Data(contentsOf: URL(fileURLWithPath: scratch + ".raw")))
        let stride = width * channels
        try #require(raw.count == height * (stride + 1))
        var rows: [[UInt8]] = []
        var previous = [UInt8](repeating: 0, count: stride)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            var row = Array(raw[(y * (stride + 1) + 1)..<((y + 1) * (stride + 1))])
            for x in 0..<stride {
                let a = x >= channels ? Int(row[x - channels]) : 0, b = Int(previous[x]),
                    c = x >= channels ? Int(previous[x - channels]) : 0
                let predictor: Int
                switch filter {
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: predictor = 0
                }
                row[x] = row[x] &+ UInt8(truncatingIfNeeded: predictor)
            }
            rows.append(row)
            previous = row
        }
        self.rows = rows
    }

    /// How many pixels are within `tolerance` of an RGB color.
    func count(_ r: Int, _ g: Int, _ b: Int, tolerance: Int = 6) -> Int {
        // Spelled out for the type checker: Core's dependencies add `Int` overloads.
        func near(_ value: UInt8, _ target: Int) -> Bool { abs(Int(value) - target) <= tolerance }
        var total = 0
        for row in rows {
            for i in stride(from: 0, to: row.count, by: channels) where near(row[i], r) && near(row[i + 1], g) && near(row[i + 2], b) {
                total += 1
            }
        }
        return total
    }
}

@Suite("The HTML report in a real browser", .serialized)
struct OpsBrowserTests {
    @Test(.disabled(if: ProcessInfo.processInfo.environment["TTSARCHIVE_SKIP_BROWSER"] == "1", "TTSARCHIVE_SKIP_BROWSER=1"))
    func reportRendersItsChartsInHeadlessChromium() async throws {
        let sim = try await SimHarness.start(jobs: 40, seed: 5) {
            $0.audioMinBytes = 20_000
            $0.audioMaxBytes = 100_000
        }
        let dir = ScratchDirectory("ops-report")
        // Two nights: the window's halves.
        let middle = Timestamp.format(Timestamp.parse(SimHarness.since)!.addingTimeInterval(43200))
        for (since, until) in [(SimHarness.since, middle), (middle, SimHarness.until)] {
            let night = try await sim.run(dir, extra: ["--since", since, "--until", until], window: false)
            #expect(night.status == 0, "\(night.stderr)")
        }
        await sim.stop()
        let page = dir.sub("report.html")
        let report = try await ToolProcess.run([
            "report", "--out", page, "--archive", dir.sub("archive"), "--manifests", dir.sub("manifests"),
        ])
        #expect(report.status == 0 && report.stdout.contains("2 run(s)"), "\(report.stderr)")

        // The DOM the browser built holds the four charts, their bars and the runs' rows.
        let dom = try await headless(["--dump-dom"], page: page, profile: dir.sub("profile"))
        #expect(dom.status == 0, "\(dom.stderr.suffix(800))")
        #expect(dom.stdout.components(separatedBy: "<svg class=\"chart\"").count - 1 == 4)
        #expect(dom.stdout.components(separatedBy: "<rect class=\"bar\"").count - 1 == 2 * 6)
        let head = try RunFiles(dir: dir).head()
        #expect(dom.stdout.contains("id=\"run-\(head.runID)\"") && dom.stdout.contains(String(head.sha256.prefix(12))))

        // And it draws them: the screenshot is not blank and shows the charts' colours.
        let shot = dir.sub("report.png")
        let screenshot = try await headless(["--window-size=1280,1400", "--screenshot=\(shot)"], page: page, profile: dir.sub("profile"))
        #expect(screenshot.status == 0, "\(screenshot.stderr.suffix(800))")
        let pixels = try await PNGPixels(path: shot, scratch: dir.sub("pixels"))
        #expect(pixels.width == 1280 && pixels.height == 1400)
        let background = pixels.count(0xF8, 0xFA, 0xFC, tolerance: 2) + pixels.count(255, 255, 255, tolerance: 2)
        #expect(background < pixels.width * pixels.height * 97 / 100, "the page is (nearly) blank")
        #expect(pixels.count(0x25, 0x63, 0xEB) > 2000, "no jobs bars (#2563eb) drawn")
        #expect(pixels.count(0x0D, 0x94, 0x88) > 2000, "no bytes bars (#0d9488) drawn")
        #expect(pixels.count(0xDC, 0x26, 0x26, tolerance: 30) > 100, "no link-lifetime line (#dc2626) drawn")
    }
}

import Foundation
import Testing

@testable import TTSArchiveCore

/// The documentation, read as a user reads it: every shell block marked `<!-- test -->` in
/// README.md and docs/*.md runs against the simulator and must exit 0, and every relative link
/// names a file that exists (and, with a `#fragment`, a heading of it). The convention is
/// described in docs/architecture.md, "Docs that run".
@Suite("docs: marked snippets run against the simulator, links resolve", .serialized)
struct DocsSnippetTests {
    @Test func enoughSnippetsAreMarked() throws {
        let all = try DocPage.all().flatMap { try $0.snippets() }
        #expect(all.count >= 8, "only \(all.count) marked snippets")
        #expect(try DocPage.all().contains { $0.name == "README.md" })
    }

    @Test(arguments: try DocPage.all().map(\.name))
    func markedSnippetsRun(page name: String) async throws {
        let page = try DocPage(name: name)
        let snippets = try page.snippets()
        guard !snippets.isEmpty else { return }
        let sim = try await SimHarness.start(jobs: 20, seed: 19) { $0.audioMaxBytes = 300_000 }
        do {
            try await Self.run(snippets, of: name, against: sim)
        } catch {
            await sim.stop()
            throw error
        }
        await sim.stop()
    }

    /// Runs a page's snippets in order in one scratch directory holding two archived nights; the
    /// first failure fails the test and ends the page (later blocks may build on it).
    static func run(_ snippets: [DocPage.Snippet], of name: String, against sim: SimHarness) async throws {
        let dir = ScratchDirectory("docs")
        try await prepareTwoNights(sim, in: dir)
        let environment = environment(sim, dir)
        for snippet in snippets {
            let result = try await ToolProcess.run(
                [String(snippetTimeoutSeconds), "/bin/bash", "-euo", "pipefail", "-c", snippet.script],
                executable: "/usr/bin/timeout", environment: environment, directory: dir.path)
            #expect(
                result.status == 0,
                "\(name):\(snippet.line): exit \(result.status)\n--- snippet\n\(snippet.script)--- stdout\n\(result.stdout.suffix(2000))\n--- stderr\n\(result.stderr.suffix(2000))"
            )
            if result.status != 0 { return }
        }
    }

    @Test(arguments: try DocPage.all().map(\.name))
    func relativeLinksResolve(page name: String) throws {
        let page = try DocPage(name: name)
        for link in try page.relativeLinks() {
            let (path, fragment) = link.target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                .map(String.init).splitFirst()
            let target = path.isEmpty ? page.url : page.url.deletingLastPathComponent().appendingPathComponent(path).standardizedFileURL
            #expect(FileManager.default.fileExists(atPath: target.path), "\(name):\(link.line): \(link.target) does not exist")
            if let fragment, target.pathExtension == "md", FileManager.default.fileExists(atPath: target.path) {
                let anchors = try DocPage(url: target).anchors()
                #expect(anchors.contains(fragment), "\(name):\(link.line): no heading #\(fragment) in \(target.lastPathComponent)")
            }
        }
    }

    /// Seconds one snippet may take before `timeout` kills it (and the test fails).
    static let snippetTimeoutSeconds = 300

    /// Two archived nights in `dir` (the window split in two), so the chain has two links and the
    /// newest run has jobs to restore and export.
    static func prepareTwoNights(_ sim: SimHarness, in dir: ScratchDirectory) async throws {
        let middle = Timestamp.format(Timestamp.parse(SimHarness.since)!.addingTimeInterval(43_200))
        for (since, until) in [(SimHarness.since, middle), (middle, SimHarness.until)] {
            let night = try await sim.run(dir, extra: ["--since", since, "--until", until], window: false)
            #expect(night.status == 0, "preparing the archive: \(night.stderr.suffix(1000))")
        }
    }

    /// What a snippet sees: the built tools first on PATH, the simulator as `$ENDPOINT`, its
    /// window as `$SINCE`/`$UNTIL`, its test credentials, and a HOME of its own.
    static func environment(_ sim: SimHarness, _ dir: ScratchDirectory) -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        try? FileManager.default.createDirectory(atPath: dir.sub("home"), withIntermediateDirectories: true)
        return sim.environment.merging([
            "PATH": ToolProcess.productsDirectory.path + ":" + inherited,
            "HOME": dir.sub("home"),
            "ENDPOINT": sim.endpoint,
            "SINCE": SimHarness.since,
            "UNTIL": SimHarness.until,
        ]) { _, new in new }
    }
}

/// A Markdown page of the repository: its marked shell blocks, links and heading anchors.
struct DocPage {
    let name: String
    let url: URL

    /// The repository's root: this file is `Tests/EndToEndTests/DocsSnippetTests.swift`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// README.md and every docs/*.md, by path from the root.
    static func all() throws -> [DocPage] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        return try (["README.md"] + docs).map { try DocPage(name: $0) }
    }

    init(name: String) throws {
        self.name = name
        url = Self.root.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw DocError.missing(name) }
    }

    init(url: URL) throws {
        self.url = url
        name = url.lastPathComponent
    }

    var lines: [String] {
        get throws { try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n") }
    }

    struct Snippet {
        var line: Int
        var script: String
    }

    /// Each ```` ```sh ```` block whose fence follows a `<!-- test -->` line. A marker followed by
    /// anything else is an error, so a typo cannot silently untest a block.
    func snippets() throws -> [Snippet] {
        let lines = try lines
        var out: [Snippet] = []
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            guard lines[index].trimmingCharacters(in: .whitespaces) == "<!-- test -->" else { continue }
            let fence = index + 1
            guard fence < lines.count, ["```sh", "```bash"].contains(lines[fence].trimmingCharacters(in: .whitespaces)) else {
                throw DocError.markerWithoutBlock(name, index + 1)
            }
            var body: [String] = []
            var end = fence + 1
            while end < lines.count, lines[end].trimmingCharacters(in: .whitespaces) != "```" {
                body.append(lines[end])
                end += 1
            }
            guard end < lines.count else { throw DocError.unclosedBlock(name, fence + 1) }
            out.append(Snippet(line: fence + 1, script: body.joined(separator: "\n") + "\n"))
            index = end
        }
        return out
    }

    struct Link {
        var line: Int
        var target: String
    }

    /// Links `[text](target)` outside code blocks and code spans whose target is not a URL.
    func relativeLinks() throws -> [Link] {
        let lines = try lines
        let pattern = try NSRegularExpression(pattern: #"\]\(([^)\s]+)\)"#)
        var out: [Link] = []
        var inFence = false
        for (number, line) in lines.enumerated() {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { inFence.toggle(); continue }
            if inFence { continue }
            let text = Self.withoutCodeSpans(line)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let target = String(text[Range(match.range(at: 1), in: text)!])
                if target.contains("://") || target.hasPrefix("mailto:") { continue }
                out.append(Link(line: number + 1, target: target))
            }
        }
        return out
    }

    /// GitHub's anchors for the page's headings: lower case, punctuation dropped, spaces as `-`,
    /// a repeated heading numbered `-1`, `-2`….
    func anchors() throws -> Set<String> {
        var seen: [String: Int] = [:]
        var out: Set<String> = []
        var inFence = false
        for line in try lines {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { inFence.toggle(); continue }
            guard !inFence, line.hasPrefix("#") else { continue }
            let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
            let slug = String(
                title.lowercased().compactMap { c -> Character? in
                    if c == " " { return "-" }
                    return c.isLetter || c.isNumber || c == "-" || c == "_" ? c : nil
                })
            let count = seen[slug, default: 0]
            seen[slug] = count + 1
            out.insert(count == 0 ? slug : "\(slug)-\(count)")
        }
        return out
    }

    /// The line with every `` `code span` `` blanked, so `[a](b)` inside one is not a link.
    static func withoutCodeSpans(_ line: String) -> String {
        var out = ""
        var inSpan = false
        for c in line {
            if c == "`" { inSpan.toggle(); out.append(" "); continue }
            out.append(inSpan ? " " : c)
        }
        return out
    }
}

enum DocError: Error, CustomStringConvertible {
    case missing(String)
    case markerWithoutBlock(String, Int)
    case unclosedBlock(String, Int)

    var description: String {
        switch self {
        case .missing(let name): "\(name) does not exist"
        case .markerWithoutBlock(let name, let line): "\(name):\(line): <!-- test --> must be followed by a ```sh block"
        case .unclosedBlock(let name, let line): "\(name):\(line): the ```sh block is never closed"
        }
    }
}

extension Array where Element == String {
    /// The first element and, when there is one, the second.
    fileprivate func splitFirst() -> (String, String?) { (self[0], count > 1 ? self[1] : nil) }
}

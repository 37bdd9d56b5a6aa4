/// Parses SubRip subtitles line by line as the bytes stream past, holding one line at a time.
///
/// Grammar of a cue: a cue number, a timing line `HH:MM:SS,mmm --> HH:MM:SS,mmm` (anything after
/// the end time, such as SubRip's `X1:… Y1:…` position, is ignored), text lines, then a blank
/// line (optional after the last cue). Blank lines between cues are skipped. Tolerated on top:
/// CRLF line ends, a UTF-8 byte order mark, a `.` instead of `,` before the milliseconds, and
/// hours of one or more digits. Cue numbers are not required to be consecutive: players ignore
/// them, and a renumbered file is not a damaged one. Times are what matter: each cue must start
/// no later than it ends, and no cue may start before the one above it.
struct SRTParser: Sendable {
    private enum Expecting: Sendable, Equatable {
        case cueNumber
        case timing(cue: Int)
        case text
    }

    /// The longest line held in memory; a longer one fails as too large to verify.
    let maxLineLength: Int

    private var expecting = Expecting.cueNumber
    private var line: [UInt8] = []
    private var lineNumber = 0
    private var lineOverflowed = false
    private var sawFirstLine = false
    private var cueCount = 0
    private var lastStart: Int64 = .min
    private var latestEnd: Int64?
    private var failure: ArtifactCheckFailure?

    init(maxLineLength: Int = 64 * 1024) {
        self.maxLineLength = maxLineLength
    }

    /// Feeds the next bytes of the file.
    mutating func consume(_ chunk: UnsafeRawBufferPointer) {
        var rest = chunk[...]
        while failure == nil, !rest.isEmpty {
            guard let newline = rest.firstIndex(of: UInt8(ascii: "\n")) else {
                append(rest)
                return
            }
            append(rest[..<newline])
            endLine()
            rest = rest[(newline + 1)...]
        }
    }

    /// Judges the file once all bytes have been fed: the last line need not end in a newline.
    func finish() -> ArtifactVerdict {
        var final = self
        if final.failure == nil, !final.line.isEmpty || final.lineOverflowed { final.endLine() }
        var verdict = ArtifactVerdict()
        if let failure = final.failure {
            verdict.recordFailure(failure)
        } else if case .timing = final.expecting {
            verdict.recordFailure(.srtMalformed(line: final.lineNumber + 1, problem: .missingTiming))
        } else if final.cueCount == 0 {
            verdict.recordFailure(final.lineNumber == 0 ? .empty : .srtNoCues)
        } else {
            verdict.record(.srtCues)
            verdict.lastCueEnd = final.latestEnd.map { Double($0) / 1000 }
        }
        return verdict
    }

    private mutating func append(_ bytes: Slice<UnsafeRawBufferPointer>) {
        guard !lineOverflowed else { return }
        if line.count + bytes.count > maxLineLength {
            lineOverflowed = true
            line.removeAll()
            return
        }
        line.append(contentsOf: bytes)
    }

    private mutating func endLine() {
        lineNumber += 1
        defer {
            line.removeAll(keepingCapacity: true)
            lineOverflowed = false
        }
        guard !lineOverflowed else { return fail(.srtLineTooLong(line: lineNumber, limit: maxLineLength)) }
        var text = line[...]
        if !sawFirstLine {
            sawFirstLine = true
            if text.starts(with: [0xEF, 0xBB, 0xBF]) { text = text.dropFirst(3) }
        }
        if text.last == UInt8(ascii: "\r") { text = text.dropLast() }
        process(Self.trimmed(text))
    }

    private mutating func process(_ text: ArraySlice<UInt8>) {
        switch expecting {
        case .cueNumber:
            guard !text.isEmpty else { return }
            guard text.count <= 9, text.allSatisfy({ (0x30...0x39).contains($0) }),
                let number = Int(String(decoding: text, as: UTF8.self))
            else { return fail(.srtMalformed(line: lineNumber, problem: .badIndex)) }
            expecting = .timing(cue: number)
        case .timing(let cue):
            guard let (start, end) = Self.parseTiming(text) else {
                return fail(.srtMalformed(line: lineNumber, problem: .badTiming))
            }
            guard start <= end else { return fail(.srtCueEndsBeforeStart(cue: cue, line: lineNumber)) }
            guard start >= lastStart else {
                return fail(.srtCueStartsBeforePrevious(cue: cue, line: lineNumber))
            }
            lastStart = start
            latestEnd = max(latestEnd ?? end, end)
            cueCount += 1
            expecting = .text
        case .text:
            if text.isEmpty { expecting = .cueNumber }
        }
    }

    private mutating func fail(_ problem: ArtifactCheckFailure) {
        failure = problem
    }

    /// The slice without leading and trailing spaces and tabs.
    static func trimmed(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = text.firstIndex(where: { !isBlank($0) }),
            let last = text.lastIndex(where: { !isBlank($0) })
        else { return [] }
        return text[first...last]
    }

    /// Start and end in milliseconds of a timing line, or nil when it is not one.
    static func parseTiming(_ text: ArraySlice<UInt8>) -> (start: Int64, end: Int64)? {
        let arrow = Array("-->".utf8)
        guard let arrowAt = text.indices.first(where: { text[$0...].starts(with: arrow) }) else { return nil }
        let left = trimmed(text[..<arrowAt])
        var right = trimmed(text[(arrowAt + arrow.count)...])
        // Drop SubRip's optional position ("X1:40 X2:600 Y1:20 Y2:50") after the end time.
        if let space = right.firstIndex(where: { $0 == 0x20 || $0 == 0x09 }) { right = right[..<space] }
        guard let start = parseTimestamp(left), let end = parseTimestamp(right) else { return nil }
        return (start, end)
    }

    /// Milliseconds of `H…H:MM:SS,mmm` (or `.mmm`), or nil.
    static func parseTimestamp(_ text: ArraySlice<UInt8>) -> Int64? {
        let parts = text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        let secondsPart = parts[2]
        guard let comma = secondsPart.firstIndex(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: ".") })
        else { return nil }
        guard let hours = number(parts[0], digits: 1...6),
            let minutes = number(parts[1], digits: 2...2), minutes < 60,
            let seconds = number(secondsPart[..<comma], digits: 2...2), seconds < 60,
            let millis = number(secondsPart[(comma + 1)...], digits: 3...3)
        else { return nil }
        return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis
    }

    /// The decimal value of a run of ASCII digits whose length is within `digits`.
    private static func number(_ text: ArraySlice<UInt8>, digits: ClosedRange<Int>) -> Int64? {
        guard digits.contains(text.count), text.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return text.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) }
    }
}

/// Walks a WAV file's RIFF chunks as its bytes stream past, holding one header at a time.
///
/// Every chunk inside the RIFF's declared extent is visited, not just `fmt ` and `data`: a lying
/// `data` size sends the walk into sample bytes, whose "chunk ids" are rarely printable and whose
/// "sizes" rarely fit the file, so such files fail instead of passing with a wrong duration.
///
/// Size rules, precisely (file size F, RIFF size R, so the RIFF ends at E = R + 8):
/// - every chunk visited must end within the file, the `data` chunk above all;
/// - the `data` chunk must also end within E;
/// - E may exceed F by at most one byte: RIFF pads an odd-sized last chunk to an even size and
///   some writers count that pad byte without writing it. More than that means lost bytes;
/// - bytes after E are tolerated (tools append ID3 tags or alignment padding after the RIFF;
///   they are not audio), and so is a tail of fewer than 8 bytes inside E (too short to be a
///   chunk, seen as alignment padding).
struct WAVScanner: Sendable {
    private enum Expecting: Sendable, Equatable {
        case riffHeader
        case chunkHeader
        case formatBody
        case done
    }

    /// A chunk as its header declares it.
    private struct Chunk: Sendable {
        var id: String
        /// Offset of the chunk's first body byte.
        var start: Int64
        var size: Int64
        var end: Int64 { start + size }
        /// Where the next chunk header starts: bodies are padded to an even size.
        var next: Int64 { end + (size % 2) }
    }

    /// The longest `fmt ` prefix needed: WAVEFORMATEXTENSIBLE is 40 bytes.
    private static let formatBytesNeeded: Int64 = 40

    private var expecting = Expecting.riffHeader
    private var window = StreamWindow(start: 0, count: 12)
    private var riffEnd: Int64?
    private var format: Chunk?
    private var data: Chunk?
    private var lastChunk: Chunk?
    private var header: WAVHeader?
    private var failure: ArtifactCheckFailure?

    /// Feeds the next bytes of the file; `base` is the offset of `chunk`'s first byte.
    mutating func consume(_ chunk: UnsafeRawBufferPointer, at base: Int64) {
        while failure == nil, expecting != .done {
            window.feed(chunk, at: base)
            guard window.isComplete else { return }
            advance()
        }
    }

    /// Judges the file once all of its `totalBytes` have been fed.
    func finish(totalBytes: Int64) -> ArtifactVerdict {
        var verdict = ArtifactVerdict()
        guard riffEnd != nil || failure != nil else {
            // Too short for a RIFF header: say "truncated" only if what is there starts like one.
            let startsLikeRIFF = Array("RIFF".utf8).starts(with: window.bytes.prefix(4))
            verdict.recordFailure(
                totalBytes == 0 ? .empty : startsLikeRIFF ? .wavTruncatedHeader(available: totalBytes) : .wavNotRIFF)
            return verdict
        }
        if header != nil {
            verdict.record(.wavHeader)
        } else {
            verdict.recordFailure(failure ?? truncation(totalBytes: totalBytes) ?? .wavMissingFormatChunk)
            return verdict
        }
        if let failure {
            verdict.recordFailure(failure)
            return verdict
        }
        guard let data else {
            verdict.recordFailure(truncation(totalBytes: totalBytes) ?? .wavMissingDataChunk)
            return verdict
        }
        if let truncation = truncation(totalBytes: totalBytes) {
            verdict.recordFailure(truncation)
            return verdict
        }
        guard let header else { return verdict }
        guard data.size % Int64(header.blockAlign) == 0 else {
            verdict.recordFailure(.wavPartialSampleFrame(dataSize: data.size, blockAlign: Int(header.blockAlign)))
            return verdict
        }
        verdict.record(.wavDataSize)
        verdict.audioDuration = header.duration(ofDataSize: data.size)
        return verdict
    }

    /// The first size rule a file of `totalBytes` breaks, or nil.
    private func truncation(totalBytes: Int64) -> ArtifactCheckFailure? {
        if let data, data.end > totalBytes {
            return .wavDataChunkExceedsFile(declared: data.size, available: max(0, totalBytes - data.start))
        }
        if let data, let riffEnd, data.end > riffEnd {
            return .wavDataChunkExceedsRIFF(dataEnd: data.end, riffEnd: riffEnd)
        }
        if let lastChunk, lastChunk.end > totalBytes {
            return .wavChunkExceedsFile(
                id: lastChunk.id, declared: lastChunk.size, available: max(0, totalBytes - lastChunk.start))
        }
        if let riffEnd, riffEnd > totalBytes + 1 {
            return .wavRIFFSizeExceedsFile(declared: riffEnd - 8, fileSize: totalBytes)
        }
        return nil
    }

    /// Acts on a completed window and opens the next one.
    private mutating func advance() {
        switch expecting {
        case .riffHeader:
            guard window.matches("RIFF", at: 0) else { return fail(.wavNotRIFF) }
            guard window.matches("WAVE", at: 8) else { return fail(.wavNotWAVE) }
            riffEnd = 8 + Int64(window.uint32LE(at: 4))
            openChunkHeader(at: 12)
        case .chunkHeader:
            let idBytes = window.bytes[0..<4]
            guard idBytes.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                return fail(.wavMalformedChunk(offset: window.start))
            }
            let chunk = Chunk(
                id: String(decoding: idBytes, as: UTF8.self), start: window.end,
                size: Int64(window.uint32LE(at: 4)))
            lastChunk = chunk
            if chunk.id == "fmt ", format == nil {
                format = chunk
                guard chunk.size >= 16 else { return fail(.wavFormatChunkTooShort(size: chunk.size)) }
                window = StreamWindow(start: chunk.start, count: Int(min(chunk.size, Self.formatBytesNeeded)))
                expecting = .formatBody
                return
            }
            if chunk.id == "data", data == nil { data = chunk }
            openChunkHeader(at: chunk.next)
        case .formatBody:
            guard let format else { return fail(.wavMissingFormatChunk) }
            switch WAVHeader.parse(window.bytes, chunkSize: format.size) {
            case .success(let parsed): header = parsed
            case .failure(let problem): return fail(problem)
            }
            openChunkHeader(at: format.next)
        case .done:
            return
        }
    }

    /// Expects a chunk header at `offset`, or ends the walk when none fits inside the RIFF.
    private mutating func openChunkHeader(at offset: Int64) {
        guard let riffEnd, offset + 8 <= riffEnd else {
            expecting = .done
            return
        }
        window = StreamWindow(start: offset, count: 8)
        expecting = .chunkHeader
    }

    private mutating func fail(_ problem: ArtifactCheckFailure) {
        failure = problem
        expecting = .done
    }
}

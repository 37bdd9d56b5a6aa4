/// Checks the start of an MP3 stream as it flows past: ID3v2 tags skipped by their syncsafe
/// size, then a valid Layer III frame header, a first frame that fits the file, and a second
/// frame (or an ID3v1 `TAG`) right where the first one ends.
///
/// The second frame matters: random bytes start with a frame sync one time in two thousand,
/// but a sync exactly one computed frame length later is what real streams have.
struct MP3Sniffer: Sendable {
    private enum Expecting: Sendable, Equatable {
        /// An ID3v2 tag header or a frame sync (10-byte window).
        case tagOrFrame
        /// The first frame: its header and enough bytes for a Xing/Info/VBRI header.
        case firstFrame
        /// The 4 bytes after the first frame.
        case nextFrame
        case done
    }

    /// Enough of the first frame to reach a VBRI header's frame count (36 + 14 + 4).
    private static let firstFrameBytes = 64

    private var expecting = Expecting.tagOrFrame
    private var window = StreamWindow(start: 0, count: 10)
    private var firstFrame: (offset: Int64, header: MP3FrameHeader)?
    private var vbrFrameCount: Int?
    private var failure: ArtifactCheckFailure?

    /// Feeds the next bytes of the file; `base` is the offset of `chunk`'s first byte.
    mutating func consume(_ chunk: UnsafeRawBufferPointer, at base: Int64) {
        while failure == nil, expecting != .done {
            window.feed(chunk, at: base)
            guard window.isComplete else { return }
            advance(atEnd: false)
        }
    }

    /// Judges the file once all of its `totalBytes` have been fed.
    func finish(totalBytes: Int64) -> ArtifactVerdict {
        var verdict = ArtifactVerdict()
        guard totalBytes > 0 else {
            verdict.recordFailure(.empty)
            return verdict
        }
        var final = self
        // No more bytes will come: judge the last, partly filled window as it is. Each step
        // either finishes or opens a window past the end, which the next step reports.
        while final.failure == nil, final.expecting != .done {
            final.advance(atEnd: true, totalBytes: totalBytes)
        }
        if let failure = final.failure {
            verdict.recordFailure(failure)
            return verdict
        }
        guard let (offset, header) = final.firstFrame else {
            verdict.recordFailure(.mp3NoFrameSync(offset: 0))
            return verdict
        }
        if let length = header.frameLength, offset + Int64(length) > totalBytes {
            verdict.recordFailure(
                .mp3FrameExceedsFile(offset: offset, frameLength: length, available: totalBytes - offset))
            return verdict
        }
        verdict.record(.mp3Sync)
        if let frames = final.vbrFrameCount {
            verdict.audioDuration = Double(frames * header.samplesPerFrame) / Double(header.sampleRate)
        } else if let kbps = header.bitrateKbps {
            verdict.audioDuration = Double(totalBytes - offset) * 8 / Double(kbps * 1000)
            verdict.audioDurationIsEstimate = true
        }
        return verdict
    }

    /// Acts on the current window: complete during streaming, possibly partial `atEnd`.
    private mutating func advance(atEnd: Bool, totalBytes: Int64 = .max) {
        let bytes = window.bytes
        let offset = window.start
        switch expecting {
        case .tagOrFrame:
            if bytes.starts(with: Array("ID3".utf8)) || (atEnd && "ID3".utf8.starts(with: bytes) && !bytes.isEmpty) {
                return skipTag(bytes, at: offset)
            }
            guard bytes.count >= 4, MP3FrameHeader.hasSync(bytes[0], bytes[1]) else {
                if atEnd, offset > totalBytes {
                    // Only an ID3 tag's size can point past the end.
                    return fail(.mp3TagExceedsFile(tagEnd: offset, fileSize: totalBytes))
                }
                return fail(.mp3NoFrameSync(offset: offset))
            }
            window.extend(to: Self.firstFrameBytes)
            expecting = .firstFrame
            if atEnd { advance(atEnd: true, totalBytes: totalBytes) }
        case .firstFrame:
            examineFirstFrame(bytes, at: offset)
        case .nextFrame:
            if bytes.count < 4 {
                // The file ends within 3 bytes of the first frame's end: nothing to compare.
                expecting = .done
                return
            }
            if bytes.starts(with: Array("TAG".utf8)) {
                expecting = .done
                return
            }
            guard MP3FrameHeader.hasSync(bytes[0], bytes[1]) else { return fail(.mp3NoFrameSync(offset: offset)) }
            switch MP3FrameHeader.parse(bytes[0..<4]) {
            case .failure(let problem): return fail(.mp3InvalidFrameHeader(offset: offset, problem: problem))
            case .success(let next):
                guard let first = firstFrame?.header, first.isCompatible(with: next) else {
                    return fail(.mp3InvalidFrameHeader(offset: offset, problem: .mismatchedNextFrame))
                }
            }
            expecting = .done
        case .done:
            return
        }
    }

    /// Validates an ID3v2 header and jumps past the tag it heads.
    private mutating func skipTag(_ bytes: [UInt8], at offset: Int64) {
        // ID3v2: "ID3", major version 2…4, revision never 0xFF, flags, then a 28-bit size in four
        // 7-bit ("syncsafe") bytes that counts the tag after its 10-byte header, not the footer.
        guard bytes.count >= 10, (2...4).contains(bytes[3]), bytes[4] != 0xFF,
            bytes[6..<10].allSatisfy({ $0 < 0x80 })
        else { return fail(.mp3BadID3Tag(offset: offset)) }
        let size = bytes[6..<10].reduce(Int64(0)) { $0 << 7 | Int64($1) }
        let hasFooter = bytes[3] == 4 && bytes[5] & 0x10 != 0
        let tagEnd = offset + 10 + size + (hasFooter ? 10 : 0)
        window = StreamWindow(start: tagEnd, count: 10)
    }

    /// Decodes the first frame's header, reads a VBR frame count if there is one, and expects
    /// the next frame where this one ends.
    private mutating func examineFirstFrame(_ bytes: [UInt8], at offset: Int64) {
        let header: MP3FrameHeader
        switch MP3FrameHeader.parse(bytes[0..<4]) {
        case .success(let parsed): header = parsed
        case .failure(let problem): return fail(.mp3InvalidFrameHeader(offset: offset, problem: problem))
        }
        firstFrame = (offset, header)
        vbrFrameCount = Self.vbrFrameCount(in: bytes, header: header)
        guard let length = header.frameLength else {
            // Free-format bitrate: the frame length is not in the header; stop at the sync.
            expecting = .done
            return
        }
        // A frame can be shorter than the look-ahead (24 bytes at 8 kbit/s, 24 kHz), so the next
        // header may already be in hand.
        window = StreamWindow(start: offset + Int64(length), count: 4, carryingFrom: window)
        expecting = .nextFrame
    }

    /// The frame count of a Xing/Info (LAME) or VBRI (Fraunhofer) header, when present.
    private static func vbrFrameCount(in bytes: [UInt8], header: MP3FrameHeader) -> Int? {
        func u32(_ at: Int) -> Int? {
            guard at + 4 <= bytes.count else { return nil }
            return Int(bytes[at..<at + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }
        func spells(_ tag: String, at: Int) -> Bool {
            let tagBytes = Array(tag.utf8)
            return at + tagBytes.count <= bytes.count && bytes[at..<at + tagBytes.count].elementsEqual(tagBytes)
        }
        let xing = header.vbrHeaderOffset
        if spells("Xing", at: xing) || spells("Info", at: xing) {
            // Flags word; bit 0 says a frame count follows.
            guard let flags = u32(xing + 4), flags & 1 == 1, let frames = u32(xing + 8), frames > 0 else {
                return nil
            }
            return frames
        }
        if spells("VBRI", at: 36), let frames = u32(36 + 14), frames > 0 {
            return frames
        }
        return nil
    }

    private mutating func fail(_ problem: ArtifactCheckFailure) {
        failure = problem
        expecting = .done
    }
}

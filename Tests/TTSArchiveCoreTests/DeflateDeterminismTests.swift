import Crypto
import Foundation
import Testing
import TTSNative
import TTSTestSupport
@testable import TTSArchiveCore

/// ISA-L's igzip (the store's deflate for audio since issue 20) writes different valid streams
/// for the same bytes fed in different pieces; the store feeds it in fixed blocks, so the same
/// content is the same object bytes however the network delivered it. These tests run on the
/// real store writers, on the local disk and on SeaweedFS.
@Suite("Deflate: deterministic objects, zlib and gunzip agree")
struct DeflateDeterminismTests {
    /// Chunkings of one content: 1 byte, whole, around igzip's block size, and random sizes.
    static func chunkings(of size: Int) -> [(String, [Int])] {
        var rng = SystemRandomNumberGenerator()
        var random: [Int] = []
        var left = size
        while left > 0 {
            let piece = min(left, Int.random(in: 1...150_000, using: &rng))
            random.append(piece)
            left -= piece
        }
        func fixed(_ n: Int) -> [Int] { stride(from: 0, to: size, by: n).map { min(n, size - $0) } }
        return [("whole", [size]), ("65536", fixed(65536)), ("65537", fixed(65537)), ("16383", fixed(16383)),
                ("random \(random.prefix(4))…", random)]
    }

    static func put(_ bytes: [UInt8], pieces: [Int], into subject: StoreUnderTest) async throws -> StoredObject {
        try await StoreUnderTest.put(pieces: pieces, of: bytes, into: subject.store)
    }

    @Test("the same content in any chunking gives byte-identical objects", arguments: StoreBackend.allCases)
    func chunkingNeverChangesTheObject(backend: StoreBackend) async throws {
        // Several igzip blocks of speech, plus a text file, each into fresh stores (no dedup).
        let contents = [speechWAV(samples: 700_000, seed: 7), speechWAV(samples: 90_000, seed: 8), timestampsJSON(words: 3000)]
        for content in contents {
            var pieces = Self.chunkings(of: content.count)
            // One byte at a time costs a call per byte: on the smaller contents only.
            if content.count < 400_000 { pieces.append(("1 byte", Array(repeating: 1, count: content.count))) }
            var first: (name: String, bytes: [UInt8])?
            for (name, chunking) in pieces {
                let subject = try await StoreUnderTest.make(backend, "det")
                let object = try await Self.put(content, pieces: chunking, into: subject)
                #expect(object.isNew)
                let raw = try await subject.rawRead(object.digest.objectPath)
                #expect(SHA256.hash(data: raw).hexString == object.storedSHA256)
                if let first {
                    #expect(raw == first.bytes, "\(content.count) bytes fed as \(name) differ from \(first.name)")
                } else {
                    first = (name, raw)
                }
            }
        }
    }

    @Test("every object inflates with zlib and with gunzip to its content", arguments: StoreBackend.allCases)
    func zlibAndGunzipReadEveryObject(backend: StoreBackend) async throws {
        let subject = try await StoreUnderTest.make(backend, "inf")
        let contents = [[], [0x52], speechWAV(samples: 400_000, seed: 3), timestampsJSON(words: 500),
                        sampleBytes(count: 200_000, seed: 5), [UInt8](repeating: 0, count: 300_000)]
        for content in contents {
            let object = try await subject.put(content, chunk: 4099)
            #expect(object.digest.hex == SHA256.hash(data: content).hexString)
            // zlib, through the store's reader (which checks CRC-32, length and the name).
            #expect(try await subject.read(object.digest) == content)
            // gunzip, from the stored bytes.
            #expect(try await subject.pipe(object.digest.objectPath, through: "gunzip -t FILE").status == 0)
            let printed = try await subject.pipe(object.digest.objectPath, through: "gunzip -c FILE | sha256sum").output
            #expect(printed.hasPrefix(object.digest.hex), "gunzip of a \(content.count)-byte object hashed \(printed)")
        }
        #expect(try await subject.verify().problems.isEmpty)
    }

    @Test("ISA-L and zlib write valid gzip of the same content")
    func bothEnginesAgreeOnContent() throws {
        for (content, profiles) in [
            (speechWAV(samples: 500_000, seed: 11), [CompressionChoice.binary, CompressionChoice.zlibBinary]),
            (timestampsJSON(words: 2000), [CompressionChoice.text, CompressionChoice.zlibText, GzipProfile.isal(level: 3)]),
        ] {
            var outputs: [[UInt8]] = []
            for profile in profiles {
                let gzip = try deflate(content, profile: profile)
                #expect(try inflate(gzip) == content, "\(profile) did not round-trip")
                let file = TestDirectory("eng")
                try Data(gzip).write(to: URL(fileURLWithPath: file.sub("o.gz")))
                #expect(shell("gunzip -t '\(file.sub("o.gz"))'").status == 0, "gunzip refused \(profile)")
                #expect(shell("gunzip -c '\(file.sub("o.gz"))' | sha256sum").output.hasPrefix(SHA256.hash(data: content).hexString))
                outputs.append(gzip)
            }
            if GzipProfile.isalAvailable {
                // Two engines really ran: their streams differ.
                #expect(Set(outputs).count == outputs.count)
            }
        }
    }

    @Test("a reused igzip state writes what it wrote before, after other and abandoned streams")
    func reusedStatesRepeatThemselves() throws {
        let a = speechWAV(samples: 200_000, seed: 31)
        let b = speechWAV(samples: 150_000, seed: 32)
        let first = try deflate(a, profile: CompressionChoice.binary)
        for _ in 0..<3 {
            _ = try deflate(b, profile: CompressionChoice.binary)
            // Abandoned halfway: its state goes back to the pool mid-stream.
            let abandoned = try GzipDeflater(profile: CompressionChoice.binary)
            try b.prefix(100_000).withUnsafeBytes { try abandoned.update($0) { _ in } }
        }
        #expect(try deflate(a, profile: CompressionChoice.binary) == first)
        #expect(try inflate(first) == a)
    }

    @Test("audio is deflated by ISA-L igzip level 2 when the build has it, no larger than zlib Z_RLE")
    func audioProfile() throws {
        #expect(CompressionChoice.binary == (GzipProfile.isalAvailable ? .isal(level: 2) : CompressionChoice.zlibBinary))
        #expect(CompressionChoice.text == (GzipProfile.isalAvailable ? .isal(level: 1) : CompressionChoice.zlibText))
        let speech = speechWAV(samples: 1_000_000, seed: 2)
        let now = try deflate(speech, profile: CompressionChoice.binary).count
        let before = try deflate(speech, profile: CompressionChoice.zlibBinary).count
        // Issue 20: no worse ratio than zlib level 6 Z_RLE on speech WAV.
        #expect(now <= before, "ISA-L \(now) bytes against zlib Z_RLE \(before)")
    }

    @Test("objects written with the old zlib settings stay readable and are not rewritten", arguments: StoreBackend.allCases)
    func zlibObjectsStayValid(backend: StoreBackend) async throws {
        let subject = try await StoreUnderTest.make(backend, "old")
        let content = speechWAV(samples: 300_000, seed: 21)
        let digest = ContentDigest(SHA256.hash(data: content))
        let old = try deflate(content, profile: CompressionChoice.zlibBinary)
        // Stored today (which makes its shard folder), then replaced by what the old settings wrote.
        _ = try await subject.put(content)
        try await subject.rawWrite(digest.objectPath, old)
        #expect(try await subject.read(digest) == content)
        #expect(try await subject.verify().problems.isEmpty)
        let again = try await subject.put(content, chunk: 10_000)
        #expect(!again.isNew)
        #expect(try await subject.rawRead(digest.objectPath) == old)
        if backend != .s3 {
            // The manifest's stored_sha256 is of what is there (S3: of the `stored-sha256`
            // metadata, which a raw copy lacks; see S3ObjectWriter.existing).
            #expect(again.storedSHA256 == SHA256.hash(data: old).hexString)
            #expect(again.storedSize == Int64(old.count))
        }
    }
}

func deflate(_ content: [UInt8], profile: GzipProfile) throws -> [UInt8] {
    let deflater = try GzipDeflater(profile: profile)
    var out: [UInt8] = []
    try content.withUnsafeBytes { try deflater.update($0) { out.append(contentsOf: $0) } }
    try deflater.finish { out.append(contentsOf: $0) }
    return out
}

func inflate(_ gzip: [UInt8]) throws -> [UInt8] {
    let inflater = try GzipInflater()
    var out: [UInt8] = []
    try gzip.withUnsafeBytes { try inflater.update($0) { out.append(contentsOf: $0) } }
    #expect(inflater.isComplete)
    return out
}

/// A 16-bit mono 16 kHz WAV of speech-like sound: voiced syllables (a few harmonics under an
/// envelope, with noise) and quiet pauses, from a seed. Compresses like synthesized speech.
func speechWAV(samples: Int, seed: UInt64) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
    func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    var out = Array("RIFF".utf8) + le32(36 + 2 * samples) + Array("WAVEfmt ".utf8)
    out += [16, 0, 0, 0, 1, 0, 1, 0] + le32(16_000) + le32(32_000) + [2, 0, 16, 0] + Array("data".utf8) + le32(2 * samples)
    out.reserveCapacity(out.count + 2 * samples)
    var i = 0
    while i < samples {
        let voiced = next() < 0.75
        let length = min(samples - i, Int(1_600 + next() * 4_000))
        let pitch = 90 + next() * 160
        for k in 0..<length {
            var v = (next() - 0.5) * 60
            if voiced {
                let t = Double(k) / 16_000
                let envelope = sin(Double.pi * Double(k) / Double(length))
                v += envelope * (4_000 * sin(2 * .pi * pitch * t) + 1_500 * sin(4 * .pi * pitch * t) + 700 * sin(6 * .pi * pitch * t))
            }
            let s = Int16(max(-32_768, min(32_767, v)))
            out.append(UInt8(truncatingIfNeeded: s))
            out.append(UInt8(truncatingIfNeeded: s >> 8))
        }
        i += length
    }
    return out
}

/// A word-timestamps JSON document like MetaStudio's, `words` entries long.
func timestampsJSON(words: Int) -> [UInt8] {
    let vocabulary = ["hello", "archive", "night", "speech", "the", "of", "synthesis", "metastudio", "voice", "and"]
    var text = "{\"words\":["
    for i in 0..<words {
        if i > 0 { text += "," }
        text += "{\"word\":\"\(vocabulary[(i * 7 + i / 3) % vocabulary.count])\",\"start_ms\":\(i * 310),\"end_ms\":\(i * 310 + 250 + i % 40)}"
    }
    return Array((text + "]}\n").utf8)
}

import Foundation
import Testing
import TTSSimulator

@Suite("MetaStudio simulator: artifacts and links")
struct SimulatorDownloadTests {
    @Test func everyArtifactMatchesItsETagAndFormat() async throws {
        try await SimulatorFixture.with(jobs: 60) { fx in
            var kinds: Set<String> = []
            for record in try await fx.allRecords() {
                let format = try #require(record["audio_format"] as? String)
                for file in record["files"] as? [[String: String]] ?? [] {
                    var audioSeconds: Double?
                    for field in ["audio_file_url", "audio_info_file_url", "audio_srt_file_url", "audio_action_file_url"] {
                        guard let url = file[field] else { continue }
                        let response = try await SimulatorHTTP.request(url)
                        #expect(response.status == 200)
                        #expect(response.body.count == Int(response.header("Content-Length") ?? ""))
                        #expect(response.header("ETag") == "\"\(md5Hex(response.body))\"", "\(field)")
                        #expect(response.header("X-Request-Id") != nil)
                        kinds.insert(field == "audio_file_url" ? format : field)
                        switch field {
                        case "audio_file_url":
                            audioSeconds = try AudioCheck.seconds(response.body, format: format)
                            #expect(response.header("Content-Type") == ["WAV": "audio/wav", "MP3": "audio/mpeg", "PCM": "audio/L16"][format])
                        case "audio_srt_file_url":
                            #expect(response.header("Content-Type") == "application/x-subrip")
                            let lastEnd = try #require(AudioCheck.lastCueEnd(response.text))
                            let seconds = try #require(audioSeconds)
                            #expect(lastEnd <= seconds, "cues fit in the audio")
                        default:
                            #expect(response.header("Content-Type") == "application/json")
                            #expect(response.json != nil, "\(field) parses as JSON")
                        }
                    }
                }
            }
            #expect(kinds.isSuperset(of: ["WAV", "MP3", "PCM", "audio_info_file_url", "audio_srt_file_url", "audio_action_file_url"]))
        }
    }

    @Test func audioCompressesLikeSpeech() async throws {
        try await SimulatorFixture.with(jobs: 8, { config in
            config.audioMinBytes = 400_000
            config.audioMaxBytes = 500_000
            config.formatMix = AudioFormatMix()
            config.formatMix.mp3 = 0
            config.formatMix.pcm = 0
        }) { fx in
            let link = try #require(try await fx.allLinks().first { $0.field == "audio_file_url" })
            let body = try await SimulatorHTTP.request(link.url).body
            #expect(body.count >= 400_000)
            let ratio = Double(try AudioCheck.gzipSize(body)) / Double(body.count)
            #expect(ratio > 0.6 && ratio < 0.9, "gzip -1 ratio \(ratio)")
            #expect(body.filter { $0 == 0 }.count < body.count / 4, "not silence")
        }
    }

    @Test func oneGiantFileStaysOne() async throws {
        try await SimulatorFixture.with(jobs: 30, { config in
            config.giantAudioBytes = 3_000_000
            config.sharedAudioFraction = 0.5
        }) { fx in
            var giants = 0
            for link in try await fx.allLinks() where link.field == "audio_file_url" {
                let head = try await SimulatorHTTP.request("HEAD", link.url)
                if head.header("Content-Length") == "3000000" { giants += 1 }
            }
            #expect(giants == 1)
        }
    }

    @Test func startRefusesAnIncoherentConfig() async throws {
        var config = SimulatorFixture.config(jobs: 3, seed: 1)
        config.audioMinBytes = 90_000
        config.audioMaxBytes = 1_000
        let sim = MetaStudioSimulator(config: config)
        await #expect(throws: SimulatorConfigError.self) { try await sim.start() }
    }

    @Test func rangesAndHead() async throws {
        try await SimulatorFixture.with(jobs: 10) { fx in
            let link = try #require(try await fx.allLinks().first { $0.field == "audio_file_url" })
            let full = try await SimulatorHTTP.request(link.url)
            let size = full.body.count
            let part = try await SimulatorHTTP.request(link.url, headers: [("Range", "bytes=100-199")])
            #expect(part.status == 206)
            #expect(part.header("Content-Range") == "bytes 100-199/\(size)")
            #expect(part.body == Array(full.body[100..<200]))
            #expect(part.header("ETag") == full.header("ETag"))
            let open = try await SimulatorHTTP.request(link.url, headers: [("Range", "bytes=\(size - 50)-")])
            #expect(open.status == 206 && open.body == Array(full.body[(size - 50)...]))
            let suffix = try await SimulatorHTTP.request(link.url, headers: [("Range", "bytes=-10")])
            #expect(suffix.status == 206 && suffix.body == Array(full.body[(size - 10)...]))
            let beyond = try await SimulatorHTTP.request(link.url, headers: [("Range", "bytes=\(size)-")])
            #expect(beyond.status == 416 && beyond.header("Content-Range") == "bytes */\(size)")
            let head = try await SimulatorHTTP.request("HEAD", link.url)
            #expect(head.status == 200 && head.body.isEmpty)
            #expect(head.header("Content-Length") == String(size) && head.header("ETag") == full.header("ETag"))
            let key = try #require(MetaStudioSimulator.objectKey(ofLink: link.url))
            let counters = try #require((try await fx.stats()["objects"] as? [String: [String: Int]])?[key])
            #expect(counters["requests"] == 5 && counters["head_requests"] == 1)
            #expect(counters["completed_full_bodies"] == 1 && counters["completed_ranges"] == 3)
            #expect(counters["bytes_sent"] == size + 100 + 50 + 10)
        }
    }

    @Test func linksExpireAndSignaturesAreChecked() async throws {
        try await SimulatorFixture.with(jobs: 5) { fx in
            let link = try #require(try await fx.allLinks().first)
            #expect(try await SimulatorHTTP.request(link.url).status == 200)
            let forged = link.url.replacingOccurrences(of: "Expires=", with: "Expires=9")
            let mismatch = try await SimulatorHTTP.request(forged)
            #expect(mismatch.status == 403 && mismatch.text.contains("<Code>SignatureDoesNotMatch</Code>"))

            #expect(try await fx.control(#"{"link_ttl": 1}"#).status == 200)
            let short = try #require(try await fx.allLinks().first)
            try await Task.sleep(for: .milliseconds(2_100))
            let expired = try await SimulatorHTTP.request(short.url)
            #expect(expired.status == 403)
            #expect(expired.header("Content-Type") == "application/xml")
            #expect(expired.text.contains("<Code>AccessDenied</Code>") && expired.text.contains("Request has expired"))
            let stats = try await fx.stats()
            #expect(stats["links_expired"] as? Int == 1 && stats["link_signature_failures"] as? Int == 1)

            // A fresh listing mints a fresh, working link for the same object.
            _ = try await fx.control(#"{"link_ttl": 3600}"#)
            let fresh = try #require(try await fx.allLinks().first)
            #expect(MetaStudioSimulator.objectKey(ofLink: fresh.url) == MetaStudioSimulator.objectKey(ofLink: short.url))
            #expect(try await SimulatorHTTP.request(fresh.url).status == 200)
        }
    }
}

/// Format checks written for the tests, independent of the simulator's own generator.
enum AudioCheck {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// Validates the audio's structure and returns its playing time in seconds.
    static func seconds(_ bytes: [UInt8], format: String) throws -> Double {
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        switch format {
        case "WAV":
            guard bytes.count > 44, Array(bytes[0..<4]) == Array("RIFF".utf8), Array(bytes[8..<16]) == Array("WAVEfmt ".utf8),
                Array(bytes[36..<40]) == Array("data".utf8)
            else { throw Problem(description: "not a RIFF/WAVE file") }
            guard u32(4) == bytes.count - 8, u32(40) == bytes.count - 44 else { throw Problem(description: "chunk sizes") }
            guard u16(20) == 1, u16(22) == 1, u16(34) == 16, [16_000, 24_000].contains(u32(24)), u32(28) == u32(24) * 2
            else { throw Problem(description: "fmt chunk") }
            return Double(bytes.count - 44) / Double(u32(24) * 2)
        case "MP3":
            guard Array(bytes[0..<3]) == Array("ID3".utf8) else { throw Problem(description: "no ID3 tag") }
            let tag = 10 + (Int(bytes[6]) << 21 | Int(bytes[7]) << 14 | Int(bytes[8]) << 7 | Int(bytes[9]))
            guard bytes.count > tag + 4, bytes[tag] == 0xFF, bytes[tag + 1] & 0xE0 == 0xE0 else {
                throw Problem(description: "no frame sync after the tag")
            }
            let frames = (bytes.count - tag) / 417
            guard frames > 0, bytes[tag + 417 * (frames - 1)] == 0xFF else { throw Problem(description: "frame chain") }
            return Double(bytes.count - tag) * 8 / 128_000
        case "PCM":
            guard bytes.count % 2 == 0 else { throw Problem(description: "odd PCM length") }
            return Double(bytes.count) / 32_000
        default:
            throw Problem(description: "unknown format \(format)")
        }
    }

    /// The end of the last SRT cue in seconds, checking that cue times never go backwards.
    static func lastCueEnd(_ srt: String) -> Double? {
        var last = -1.0
        for line in srt.split(separator: "\n") where line.contains("-->") {
            let parts = line.components(separatedBy: " --> ")
            guard parts.count == 2, let start = time(parts[0]), let end = time(parts[1]), start >= last - 1e-9,
                end >= start
            else { return nil }
            last = end
        }
        return last >= 0 ? last : nil
    }

    private static func time(_ text: String) -> Double? {
        let pieces = text.split(whereSeparator: { $0 == ":" || $0 == "," }).compactMap { Double($0) }
        guard pieces.count == 4 else { return nil }
        return pieces[0] * 3600 + pieces[1] * 60 + pieces[2] + pieces[3] / 1000
    }

    /// Size of `gzip -1` of the bytes, from the system's gzip.
    static func gzipSize(_ bytes: [UInt8]) throws -> Int {
        let input = NSTemporaryDirectory() + "sim-gzip-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: input))
        defer { try? FileManager.default.removeItem(atPath: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -1 -c '\(input)' | wc -c"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let size = Int(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw Problem(description: "gzip printed nothing")
        }
        return size
    }
}

import TTSArchiveCore

/// The small companion files of an audio artifact: timestamp JSON, SRT subtitles, action JSON.
///
/// Timestamps and subtitles are made from the audio's spec, so every time they hold fits inside
/// the audio's duration (subtitles end by 90% of the shortest duration a reader could compute).
/// Action files depend only on the seed and one of four variants, so many jobs share them byte
/// for byte. Long audio is described by at most 2,000 words and 500 cues, keeping these files
/// small even for a 2 GiB WAV.
enum TextArtifacts {
    static let words = [
        "hello", "welcome", "to", "the", "digital", "human", "studio", "today", "we", "will", "talk", "about",
        "weather", "markets", "and", "a", "new", "product", "please", "remember", "our", "service", "is",
        "open", "every", "day", "thank", "you", "for", "listening", "next", "story", "begins", "now", "with",
        "clear", "voice", "synthesis", "from", "cloud",
    ]

    /// `audio_info_file_url`: words with their start and end in milliseconds.
    static func timestamps(audio: AudioSpec, textSeed: UInt64) -> [UInt8] {
        var rng = SeededRandom(seed: textSeed, stream: "timestamps")
        let durationMs = Int64(audio.conservativeDuration * 1000)
        let usable = max(1, durationMs * 95 / 100)
        let count = Int(min(2_000, max(1, usable / 350)))
        var entries: [RawJSON] = []
        entries.reserveCapacity(count)
        for index in 0..<count {
            let start = usable * Int64(index) / Int64(count)
            let end = max(start, usable * Int64(index + 1) / Int64(count) - Int64(rng.int(in: 0...40)))
            entries.append(
                .object([("word", .string(rng.pick(words))), ("start_ms", .int(start)), ("end_ms", .int(end))]))
        }
        let document: RawJSON = .object([
            ("version", "1.0"), ("audio_format", .string(audio.format.rawValue)),
            ("sample_rate", .int(Int64(audio.sampleRate))), ("duration_ms", .int(durationMs)),
            ("words", .array(entries)),
        ])
        return document.bytes
    }

    /// `audio_srt_file_url`: numbered cues, non-decreasing, ending inside the audio.
    static func subtitles(audio: AudioSpec, textSeed: UInt64) -> [UInt8] {
        var rng = SeededRandom(seed: textSeed, stream: "subtitles")
        let limitMs = Int64(audio.conservativeDuration * 900)
        var out = ""
        guard limitMs >= 2 else {
            return Array("1\n00:00:00,000 --> 00:00:00,001\n\(rng.pick(words))\n\n".utf8)
        }
        let count = Int(min(500, max(1, limitMs / 2_500)))
        for index in 0..<count {
            let start = limitMs * Int64(index) / Int64(count)
            let slotEnd = limitMs * Int64(index + 1) / Int64(count)
            let end = max(start + 1, slotEnd - (slotEnd - start) / 10)
            let line = (0..<rng.int(in: 3...8)).map { _ in rng.pick(words) }.joined(separator: " ")
            out += "\(index + 1)\n\(srtTime(start)) --> \(srtTime(min(end, limitMs)))\n\(line)\n\n"
        }
        return Array(out.utf8)
    }

    /// `audio_action_file_url`: one of four gesture scripts.
    static func actions(variant: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededRandom(seed: seed, stream: "actions", index: UInt64(variant))
        let names = ["nod", "wave", "smile", "point_left", "point_right", "open_palms", "lean_in"]
        var time: Int64 = 0
        let actions: [RawJSON] = (0..<(4 + variant * 3)).map { _ in
            time += Int64(rng.int(in: 300...2_000))
            let length = Int64(rng.int(in: 400...1_500))
            return .object([
                ("action", .string(rng.pick(names))), ("start_ms", .int(time)), ("end_ms", .int(time + length)),
                ("intensity", .double((rng.unit() * 100).rounded() / 100)),
            ])
        }
        return RawJSON.object([("version", "1.0"), ("variant", .int(Int64(variant))), ("actions", .array(actions))]).bytes
    }

    private static func srtTime(_ ms: Int64) -> String {
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(ms / 3_600_000, 2) + ":" + pad(ms / 60_000 % 60, 2) + ":" + pad(ms / 1000 % 60, 2) + ","
            + pad(ms % 1000, 3)
    }
}

import Foundation
import TTSArchiveCore

/// The simulated accounts' inventories, made from the seed.
enum InventoryCatalog {
    /// ICE customized-voice jobs of one type, in the order the API pages them. The first
    /// `Standard` ones are the voices cloned from MetaStudio assets (``VoiceAssets``).
    static func alibabaJobs(type: String, count: Int, seed: UInt64) -> [RawJSON] {
        let clones = type == "Standard" ? VoiceAssets(seed: seed).clonedOnAlibaba : []
        var rng = SeededRandom(seed: seed, stream: "ice-" + type)
        let states: [(String, Double)] = [
            ("Success", 0.7), ("Fail", 0.08), ("Training", 0.08), ("PreTraining", 0.05), ("AudioDetecting", 0.05),
            ("Initialization", 0.04),
        ]
        return (0..<count).map { index in
            let created = 1_700_000_000 + Int64(index) * 3_600 + Int64(rng.int(in: 0...3_599))
            let clone = index < clones.count ? clones[index] : nil
            let drawn = rng.weighted(states)
            let status = clone == nil ? drawn : "Success"
            return .object([
                ("JobId", .string(rng.hex(32))), ("VoiceId", .string("voice\(type.lowercased())\(index)")),
                ("Status", .string(status)), ("Message", .string(status == "Fail" ? "audio quality too low" : "")),
                ("VoiceName", .string("Voice \(index)")), ("VoiceDesc", .string(clone.map(VoiceAssets.cloneNote) ?? "simulated \(type) voice")),
                ("Type", .string(type)), ("Gender", .string(rng.pick(["female", "male"]))),
                ("Scenario", .string(rng.pick(["story", "interaction", "navigation"]))),
                ("CreateTime", .string(Timestamp.format(seconds: created))), ("GmtCreate", .string(Timestamp.format(seconds: created - 60))),
            ])
        }
    }

    /// VMS resources of one type (0 notification files, 1 TTS templates, 2 interaction files).
    /// The first TTS templates speak with voices cloned from MetaStudio assets (``VoiceAssets``).
    static func volcengineResources(type: String, count: Int, seed: UInt64) -> [RawJSON] {
        let clones = type == "1" ? VoiceAssets(seed: seed).clonedOnVolcengine : []
        var rng = SeededRandom(seed: seed, stream: "vms-" + type)
        let typeNumber = Int64(type) ?? 0
        return (0..<count).map { index in
            let created = Timestamp.format(seconds: 1_620_000_000 + Int64(index) * 7_200 + Int64(rng.int(in: 0...7_199)))
            var fields: [(String, RawJSON)] = [
                ("ResourceKey", .string("vms\(type)" + rng.hex(10))), ("Name", .string("resource-\(type)-\(index)")),
                ("Suffix", .string(typeNumber == 1 ? "" : rng.pick(["wav", "mp3"]))),
                ("Duration", .int(Int64(rng.int(in: 1...600)))), ("State", .int(Int64(rng.pick([1, 1, 1, 2, 3])))),
                // VMS writes "2021-05-19 11:07:13".
                ("CreateTime", .string(created.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: ""))),
                ("Type", .int(typeNumber)), ("Remark", .string(rng.chance(0.3) ? "remark \(index)" : "")),
            ]
            // A template speaking a cloned voice names the MetaStudio asset it was cloned from.
            if index < clones.count, let remark = fields.firstIndex(where: { $0.0 == "Remark" }) {
                fields[remark].1 = .string(VoiceAssets.cloneNote(clones[index]))
            }
            if typeNumber == 1 {
                fields.append(("TtsTemplateContent", .string("您的验证码是${code},\(index)分钟内有效")))
                fields.append(("TtsOptions", .string("{\"voice_type\":\"BV001\",\"speed\":1.0}")))
            }
            return .object(fields)
        }
    }
}

/// The simulated account's voice assets, from the seed, and where each voice lives, so the
/// three clouds' inventories cross-reference with the MetaStudio jobs as a real account's do:
/// - the jobs synthesize with ``used`` (twelve assets);
/// - most of them were trained on Huawei (a voice-training resource names the asset), the rest
///   are unknown to Huawei's inventory (trained under another account, or since deleted);
/// - Huawei also lists ``orphans``: trained voices no job has used;
/// - some trained voices were cloned on Alibaba ICE and on Volcengine VMS, whose records name
///   the MetaStudio asset they were cloned from.
struct VoiceAssets: Sendable {
    /// What the jobs pick their `asset_id` from.
    let used: [String]
    /// The assets Huawei's voice-training resources are bound to: known ones, then orphans.
    let trainedOnHuawei: [String]
    /// Huawei resources' assets that no job names.
    let orphans: [String]
    /// Voices cloned from trained assets on Alibaba (ICE customized voices) and Volcengine.
    let clonedOnAlibaba: [String]
    let clonedOnVolcengine: [String]

    init(seed: UInt64) {
        // The stream the job world has always drawn from: the same seed keeps the same jobs.
        var rng = SeededRandom(seed: seed, stream: "assets")
        used = (0..<12).map { _ in rng.hex(32) }
        var orphanRNG = SeededRandom(seed: seed, stream: "orphan-assets")
        orphans = (0..<3).map { _ in orphanRNG.hex(32) }
        let known = Array(used.prefix(9))
        trainedOnHuawei = known + orphans
        clonedOnAlibaba = Array(known.prefix(5))
        clonedOnVolcengine = Array(known.suffix(4))
    }

    /// What a clone's description says: the MetaStudio asset it was cloned from.
    static func cloneNote(_ asset: String) -> String { "cloned from MetaStudio voice asset \(asset)" }
}

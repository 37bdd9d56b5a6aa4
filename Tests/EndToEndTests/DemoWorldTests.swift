import Foundation
import TTSArchiveCore
import Testing
@testable import TTSSimulator

/// The simulated clouds share the MetaStudio jobs' voice assets, whatever the seed `make demo`
/// draws: the inventory cross-reference finds matches, unknowns and orphans, and the clones on
/// Alibaba and Volcengine name the assets they came from.
@Suite("The simulator's world tells one story")
struct DemoWorldTests {
    /// The text of `key` in a record, if it is a string.
    static func text(_ record: RawJSON, _ key: String) -> String? {
        guard case .object(let fields) = record, case .string(let value)? = fields.first(where: { $0.0 == key })?.1 else { return nil }
        return value
    }

    @Test("the demo's world: Huawei trained most of the jobs' voices, lists orphans, and the clones name their assets",
          arguments: [1, 7, 29, 1_764_900_000] as [UInt64])
    func sharedAssets(seed: UInt64) {
        let now = Date()
        // As `make demo` makes it: 300 jobs over the last day.
        let world = JobWorld(config: SimulatorConfig(seed: seed, jobCount: 300, windowStart: now.addingTimeInterval(-86_400), windowEnd: now))
        let archived = Set(world.jobs.filter { $0.initialState == .succeeded }.map(\.assetID))
        let huawei = Set(QuotaCatalog.resources(seed: seed).compactMap(\.assetID))
        #expect(archived.intersection(huawei).count >= 5, "matches")
        #expect(!archived.subtracting(huawei).isEmpty, "assets unknown to Huawei")
        #expect(!huawei.subtracting(archived).isEmpty, "orphans: trained, never used")

        let defaults = InventorySimulatorConfig(seed: seed)
        let alibaba = defaults.alibabaJobs.flatMap { InventoryCatalog.alibabaJobs(type: $0.key, count: $0.value, seed: seed) }
            .compactMap { Self.text($0, "VoiceDesc") }
        let volcengine = defaults.volcengineResources.flatMap { InventoryCatalog.volcengineResources(type: $0.key, count: $0.value, seed: seed) }
            .compactMap { Self.text($0, "Remark") }
        let note = VoiceAssets.cloneNote("")
        for (cloud, texts) in [("alibaba", alibaba), ("volcengine", volcengine)] {
            let cloned = Set(texts.filter { $0.hasPrefix(note) }.map { String($0.dropFirst(note.count)) })
            #expect(!cloned.isEmpty && cloned.isSubset(of: huawei) && !cloned.isDisjoint(with: archived), "\(cloud) clones the jobs' Huawei-trained voices")
        }
    }
}

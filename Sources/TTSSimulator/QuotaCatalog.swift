import TTSArchiveCore

/// The simulated account's voice-training resources (ShowVoiceTrainingQuotas), from the seed.
enum QuotaCatalog {
    struct Resource {
        var operationType: String
        var source: String
        var assetID: String?
        var resourceID: String
        var total: Int
        var available: Int
        var type: String
        var chargeMode: String
        var expireTime: Int64
        var status: Int

        var json: RawJSON {
            var fields: [(String, RawJSON)] = [
                ("operation_type", .string(operationType)), ("resource_source", .string(source)),
            ]
            if let assetID { fields.append(("asset_id", .string(assetID))) }
            fields += [
                ("resource_id", .string(resourceID)), ("resource_nums", .int(Int64(total))),
                ("resource_available_nums", .int(Int64(available))), ("resource_type", .string(type)),
                ("charge_mode", .string(chargeMode)), ("expire_time", .string(Timestamp.format(seconds: expireTime))),
                ("status", .int(Int64(status))),
            ]
            return .object(fields)
        }
    }

    /// The resources: first one per voice trained on Huawei (``VoiceAssets``), then packages
    /// not bound to any voice yet; `count` (else the trained voices and a seeded 5…9 more) in all.
    static func resources(seed: UInt64, count: Int? = nil) -> [Resource] {
        var rng = SeededRandom(seed: seed, stream: "quotas")
        let types = ["BASIC", "MIDDLE", "ADVANCE", "THIRD_PARTY", "FLEXUS", "TTS_CMWW"]
        let trained = VoiceAssets(seed: seed).trainedOnHuawei
        let drawn = trained.count + rng.int(in: 5...9)
        return (0..<(count ?? drawn)).map { index in
            let total = rng.int(in: 1...20)
            return Resource(
                operationType: rng.pick(["ADD", "UPDATE", "FREEZE", "UNFREEZE", "REBIND"]),
                source: rng.pick(["PURCHASED", "SP_ALLOCATED", "ADMIN_ALLOCATED"]),
                assetID: index < trained.count ? trained[index] : nil, resourceID: rng.hex(32), total: total,
                available: rng.int(in: 0...total), type: rng.pick(types),
                chargeMode: rng.pick(["ON_DEMAND", "PERIODIC", "ONE_TIME"]),
                expireTime: 1_767_225_600 + Int64(rng.int(in: 0...(365 * 86_400))), status: rng.chance(0.85) ? 1 : 0)
        }
    }

    /// `resource_available_nums`: available counts summed by the documented groups.
    static func availableByType(_ resources: [Resource]) -> RawJSON {
        func sum(_ types: Set<String>, chargeMode: String? = nil) -> RawJSON {
            .int(
                Int64(
                    resources.filter { types.contains($0.type) && (chargeMode == nil || $0.chargeMode == chargeMode) }
                        .reduce(0) { $0 + $1.available }))
        }
        return .object([
            ("flexus", sum(["FLEXUS"])), ("basic", sum(["BASIC"])), ("middle", sum(["MIDDLE"])),
            ("middle_on_demand", sum(["MIDDLE"], chargeMode: "ON_DEMAND")), ("advance", sum(["ADVANCE"])),
            ("third_party_cmww", sum(["THIRD_PARTY", "TTS_CMWW"])),
        ])
    }
}

import TTSArchiveCore

/// `endpoint` and `region` name the same thing: the stronger source wins; two at the same
/// level conflict.
enum EndpointChoice {
    static func rank(_ source: ConfigSource) -> Int {
        switch source {
        case .flag: return 3
        case .environment, .credentialsFile: return 2
        case .file: return 1
        case .builtIn, .unset: return 0
        }
    }

    static func pick(_ config: EffectiveConfig) throws -> (endpoint: String?, region: String?) {
        let endpoint = config.string(.endpoint), region = config.string(.region)
        guard endpoint != nil, region != nil else { return (endpoint, region) }
        let e = rank(config[.endpoint].source), r = rank(config[.region].source)
        if e == r {
            throw TTSArchiveError(
                .configuration, "both endpoint (\(config[.endpoint].source)) and region (\(config[.region].source)) are set", fix: "keep one")
        }
        return e > r ? (endpoint, nil) : (nil, region)
    }
}

import TTSArchiveCore

/// Turns jobs into `TtsJobDetail` records, minting their download links.
struct JobRenderer {
    let baseURL: String
    let bucket: String
    let signer: LinkSigner
    /// Epoch seconds at which the links minted now expire.
    let expires: Int64
    let seed: UInt64
    let foreignHostRate: Double
    /// Links minted so far, foreign ones included.
    private(set) var linksMinted = 0
    /// Foreign-host links minted so far.
    private(set) var foreignLinks = 0

    static let foreignBaseURL = "http://198.51.100.7"

    init(baseURL: String, bucket: String, signer: LinkSigner, expires: Int64, seed: UInt64, foreignHostRate: Double) {
        self.baseURL = baseURL
        self.bucket = bucket
        self.signer = signer
        self.expires = expires
        self.seed = seed
        self.foreignHostRate = foreignHostRate
    }

    /// The record of `job` in `state`; broken as its `badRecord` says, if it has one.
    mutating func record(_ job: SimJob, state: JobState) -> RawJSON {
        var fields: [(String, RawJSON)] = [("job_id", .string(job.jobID))]
        if let websocket = job.websocketJobID { fields.append(("websocket_job_id", .string(websocket))) }
        fields += [
            ("asset_id", .string(job.assetID)), ("tts_service_enum", .string(job.ttsService)),
            ("text_length", .int(Int64(job.textLength))), ("create_time", .string(Timestamp.format(seconds: job.createTime))),
            ("audio_format", .string(job.audioFormat.rawValue)), ("need_timestamp", .bool(job.needTimestamp)),
            ("gen_srt", .bool(job.genSRT)), ("job_type", .string(job.jobType)), ("job_state", .string(state.rawValue)),
        ]
        if let message = job.failMessage, state == .failed { fields.append(("fail_msg", .string(message))) }
        let files: [RawJSON] = state == .succeeded ? job.files.indices.map { file(job, index: $0) } : []
        fields.append(("files", .array(files)))
        if let broken = job.badRecord { Self.breakRecord(&fields, broken, job: job) }
        return .object(fields)
    }

    private mutating func file(_ job: SimJob, index: Int) -> RawJSON {
        var links: [(String, RawJSON)] = []
        for kind in ArtifactKind.allCases where job.files[index].content(kind) != nil {
            let key = ObjectKey(uid: job.uid, fileIndex: index, kind: kind).path(audioFormat: job.audioFormat)
            let foreign = FaultPlanner.isFaulty(seed: seed, kind: .foreignHost, key: key, rate: foreignHostRate)
            let query = signer.query(bucket: bucket, objectKey: key, expires: expires)
            let url = (foreign ? Self.foreignBaseURL : baseURL) + "/obs/\(bucket)/\(key)?\(query)"
            links.append((kind.jobFileField, .string(url)))
            linksMinted += 1
            if foreign { foreignLinks += 1 }
        }
        return .object(links)
    }

    private static func breakRecord(_ fields: inout [(String, RawJSON)], _ broken: BadRecordVariant, job: SimJob) {
        func replace(_ name: String, with value: RawJSON?) {
            guard let index = fields.firstIndex(where: { $0.0 == name }) else { return }
            if let value { fields[index].1 = value } else { fields.remove(at: index) }
        }
        switch broken {
        case .missingJobID: replace("job_id", with: nil)
        case .numericJobID: replace("job_id", with: .int(Int64(StableHash.string(job.uid) % 1_000_000_000)))
        case .textLengthIsString: replace("text_length", with: .string("about \(job.textLength) characters"))
        case .filesIsObject: replace("files", with: .object([("audio_file_url", .string("not-a-list"))]))
        case .numericJobState: replace("job_state", with: .int(3))
        case .numericCreateTime: replace("create_time", with: .int(job.createTime))
        }
    }
}

/// A TTS job's state (`job_state`). Unknown values are kept, not rejected.
public struct JobState: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let waiting = JobState(rawValue: "WAITING")
    public static let processing = JobState(rawValue: "PROCESSING")
    public static let failed = JobState(rawValue: "FAILED")
    public static let succeeded = JobState(rawValue: "SUCCEED")

    /// Still being synthesized: worth checking again later.
    public var isPending: Bool { self == .waiting || self == .processing }
    public var description: String { rawValue }
}

/// One `TtsJobFile`: up to four download links, each valid for one hour.
public struct TtsJobFile: Sendable, Hashable, Codable {
    public var audioFileURL: String?
    public var audioInfoFileURL: String?
    public var audioSRTFileURL: String?
    public var audioActionFileURL: String?

    public init(audioFileURL: String? = nil, audioInfoFileURL: String? = nil, audioSRTFileURL: String? = nil, audioActionFileURL: String? = nil) {
        self.audioFileURL = audioFileURL
        self.audioInfoFileURL = audioInfoFileURL
        self.audioSRTFileURL = audioSRTFileURL
        self.audioActionFileURL = audioActionFileURL
    }

    enum CodingKeys: String, CodingKey {
        case audioFileURL = "audio_file_url", audioInfoFileURL = "audio_info_file_url"
        case audioSRTFileURL = "audio_srt_file_url", audioActionFileURL = "audio_action_file_url"
    }

    /// The link for one artifact kind, if the job has it.
    public func link(for kind: ArtifactKind) -> String? {
        switch kind {
        case .audio: audioFileURL
        case .timestamps: audioInfoFileURL
        case .subtitles: audioSRTFileURL
        case .actions: audioActionFileURL
        }
    }
}

/// One `TtsJobDetail` record of ShowTtsJob. Every documented field; unknown fields are ignored.
public struct TtsJob: Sendable, Hashable, Codable {
    public var jobID: String
    public var websocketJobID: String?
    public var assetID: String?
    public var ttsServiceEnum: String?
    public var textLength: Int?
    public var createTime: String?
    /// `audio_format` as sent; `WAV` when absent (the documented default).
    public var audioFormatRaw: String
    public var needTimestamp: Bool?
    public var genSRT: Bool?
    public var jobType: String?
    public var jobState: JobState
    public var failMsg: String?
    public var files: [TtsJobFile]

    public init(
        jobID: String, websocketJobID: String? = nil, assetID: String? = nil, ttsServiceEnum: String? = nil,
        textLength: Int? = nil, createTime: String? = nil, audioFormatRaw: String = "WAV", needTimestamp: Bool? = nil,
        genSRT: Bool? = nil, jobType: String? = nil, jobState: JobState, failMsg: String? = nil, files: [TtsJobFile] = []
    ) {
        self.jobID = jobID
        self.websocketJobID = websocketJobID
        self.assetID = assetID
        self.ttsServiceEnum = ttsServiceEnum
        self.textLength = textLength
        self.createTime = createTime
        self.audioFormatRaw = audioFormatRaw
        self.needTimestamp = needTimestamp
        self.genSRT = genSRT
        self.jobType = jobType
        self.jobState = jobState
        self.failMsg = failMsg
        self.files = files
    }

    enum CodingKeys: String, CodingKey {
        case files
        case jobID = "job_id", websocketJobID = "websocket_job_id", assetID = "asset_id", ttsServiceEnum = "tts_service_enum"
        case textLength = "text_length", createTime = "create_time", audioFormatRaw = "audio_format"
        case needTimestamp = "need_timestamp", genSRT = "gen_srt", jobType = "job_type", jobState = "job_state", failMsg = "fail_msg"
    }

    /// The audio format, when it is one of the documented ones.
    public var audioFormat: AudioFormat? { AudioFormat(rawValue: audioFormatRaw.uppercased()) }

    /// Every (kind, file index, link) the job offers, in manifest order.
    public var links: [(kind: ArtifactKind, fileIndex: Int, url: String)] {
        var out: [(kind: ArtifactKind, fileIndex: Int, url: String)] = []
        for (index, file) in files.enumerated() {
            for kind in ArtifactKind.allCases {
                if let url = file.link(for: kind), !url.isEmpty { out.append((kind, index, url)) }
            }
        }
        return out
    }
}

/// A record of a listing page that could not be decoded: skipped, and reported by name.
public struct BadRecord: Sendable, Hashable, Codable, CustomStringConvertible {
    enum CodingKeys: String, CodingKey {
        case index, field, problem
        case pageOffset = "page_offset", jobID = "job_id"
    }

    /// The page's offset and the record's index in it.
    public var pageOffset: Int
    public var index: Int
    /// The job id, when the record had a readable one.
    public var jobID: String?
    /// The field at fault and what is wrong with it.
    public var field: String
    public var problem: String

    public func encode(to encoder: any Encoder) throws {
        // A fixed shape for auditors: job_id is null when the record had none.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(pageOffset, forKey: .pageOffset)
        try c.encode(index, forKey: .index)
        try c.encode(jobID, forKey: .jobID)
        try c.encode(field, forKey: .field)
        try c.encode(problem, forKey: .problem)
    }

    public var description: String {
        "record \(index) of the page at offset \(pageOffset)\(jobID.map { " (job \($0))" } ?? ""): field '\(field)' \(problem)"
    }
}

/// One decoded page of ShowTtsJob.
public struct TtsJobPage: Sendable {
    /// The total the server reports for the query (`count`).
    public var count: Int
    public var jobs: [TtsJob]
    public var badRecords: [BadRecord]
    public var requestID: String?
}

import TTSArchiveCore

/// A ShowTtsJob query, validated as the API validates it.
struct ListingQuery: Hashable, Sendable {
    var limit = 10
    var offset = 0
    var createSince: Double?
    var createUntil: Double?
    var jobID: String?
    var jobType: String?
    var ttsService: String?
    var businessType: String?

    static let jobTypes: Set<String> = ["PRELOAD", "WEBSOCKET", "ASYNC_JOB", "AUDITION"]
    static let services: Set<String> = ["TTS_LLM", "TTS_LLM_VC", "TTS_LAB", "TTS_LAB_GPU", "GPU_CLONE", "TTS_LLM_VQ"]

    /// Reads the decoded query pairs (a repeated name: the last one wins); unknown names are
    /// ignored, as the API gateway ignores them.
    static func parse(_ items: [QueryItem]) throws(ParameterError) -> ListingQuery {
        var query = ListingQuery()
        for item in items {
            switch item.name {
            case "limit": query.limit = try integer(item, in: 1...100)
            case "offset": query.offset = try integer(item, in: 0...2_147_483_647)
            case "create_since": query.createSince = try time(item)
            case "create_until": query.createUntil = try time(item)
            case "job_id": query.jobID = item.value
            case "job_type": query.jobType = try member(item, of: jobTypes)
            case "tts_service_enum": query.ttsService = try member(item, of: services)
            case "business_type": query.businessType = item.value
            default: continue
            }
        }
        return query
    }

    /// Whether a job is in the result (bounds inclusive, whole seconds against fractions).
    func matches(_ job: SimJob) -> Bool {
        let time = Double(job.createTime)
        if let createSince, time < createSince { return false }
        if let createUntil, time > createUntil { return false }
        if let jobID, job.jobID != jobID { return false }
        if let jobType, job.jobType != jobType { return false }
        if let ttsService, job.ttsService != ttsService { return false }
        if let businessType, job.businessType != businessType { return false }
        return true
    }

    /// Identifies "the same page" across retries, for first-attempt faults.
    var pageKey: String {
        [
            "limit=\(limit)", "offset=\(offset)", "since=\(createSince.map { "\($0)" } ?? "")",
            "until=\(createUntil.map { "\($0)" } ?? "")", "job=\(jobID ?? "")", "type=\(jobType ?? "")",
            "svc=\(ttsService ?? "")", "biz=\(businessType ?? "")",
        ].joined(separator: "&")
    }

    private static func integer(_ item: QueryItem, in range: ClosedRange<Int>) throws(ParameterError) -> Int {
        guard let value = Int(item.value), range.contains(value) else {
            throw ParameterError(
                parameter: item.name,
                message: "\(item.name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    private static func time(_ item: QueryItem) throws(ParameterError) -> Double {
        guard let value = Timestamp.parse(item.value)?.timeIntervalSince1970 else {
            throw ParameterError(
                parameter: item.name, message: "\(item.name) must be an RFC 3339 time such as 2025-06-09T10:48:07Z")
        }
        return value
    }

    private static func member(_ item: QueryItem, of allowed: Set<String>) throws(ParameterError) -> String {
        guard allowed.contains(item.value) else {
            throw ParameterError(
                parameter: item.name, message: "\(item.name) must be one of \(allowed.sorted().joined(separator: ", "))")
        }
        return item.value
    }
}

/// A query parameter the API refuses (MSS.000000003); names the parameter.
struct ParameterError: Error, Sendable, Equatable {
    var parameter: String
    var message: String
}

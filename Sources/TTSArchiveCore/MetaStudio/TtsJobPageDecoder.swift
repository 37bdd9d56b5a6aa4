import Foundation

/// Decodes a ShowTtsJob response body record by record, so one bad record is skipped and named
/// instead of failing the page. A body that is not the documented envelope fails as a whole.
public enum TtsJobPageDecoder {
    /// Why a whole page could not be read.
    public struct PageError: Error, Sendable, CustomStringConvertible {
        public var pageOffset: Int
        public var problem: String
        public var description: String { "listing page at offset \(pageOffset) is unreadable: \(problem)" }
    }

    /// Decodes `body`, the response to a request at `offset`.
    public static func decode(_ body: [UInt8], offset: Int) throws(PageError) -> TtsJobPage {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: Data(body), options: [])
        } catch {
            throw PageError(pageOffset: offset, problem: "not valid JSON")
        }
        guard let object = root as? [String: Any] else { throw PageError(pageOffset: offset, problem: "not a JSON object") }
        guard let count = integer(object["count"]) else { throw PageError(pageOffset: offset, problem: "field 'count' missing or not an integer") }
        let records: [Any]
        switch object["data"] {
        case nil, is NSNull: records = []
        case let array as [Any]: records = array
        default: throw PageError(pageOffset: offset, problem: "field 'data' is not an array")
        }
        var page = TtsJobPage(count: count, jobs: [], badRecords: [], requestID: object["request_id"] as? String)
        for (index, record) in records.enumerated() {
            do {
                page.jobs.append(try decodeJob(record))
            } catch {
                page.badRecords.append(BadRecord(pageOffset: offset, index: index, jobID: error.jobID, field: error.field, problem: error.problem))
            }
        }
        return page
    }

    struct FieldError: Error {
        var jobID: String?
        var field: String
        var problem: String
    }

    static func decodeJob(_ record: Any) throws(FieldError) -> TtsJob {
        guard let fields = record as? [String: Any] else { throw FieldError(field: "(record)", problem: "is not a JSON object") }
        guard let jobID = fields["job_id"] as? String, !jobID.isEmpty else {
            throw FieldError(field: "job_id", problem: fields["job_id"] == nil ? "is missing" : "is not a non-empty string")
        }
        let reader = FieldReader(fields: fields, jobID: jobID)
        guard let state = try reader.string("job_state") else { throw FieldError(jobID: jobID, field: "job_state", problem: "is missing") }
        var files: [TtsJobFile] = []
        switch fields["files"] {
        case nil, is NSNull: break
        case let array as [Any]:
            for (i, entry) in array.enumerated() {
                guard let file = entry as? [String: Any] else {
                    throw FieldError(jobID: jobID, field: "files[\(i)]", problem: "is not a JSON object")
                }
                let fileReader = FieldReader(fields: file, jobID: jobID, prefix: "files[\(i)].")
                files.append(TtsJobFile(
                    audioFileURL: try fileReader.string("audio_file_url"),
                    audioInfoFileURL: try fileReader.string("audio_info_file_url"),
                    audioSRTFileURL: try fileReader.string("audio_srt_file_url"),
                    audioActionFileURL: try fileReader.string("audio_action_file_url")))
            }
        default: throw FieldError(jobID: jobID, field: "files", problem: "is not an array")
        }
        return TtsJob(
            jobID: jobID, websocketJobID: try reader.string("websocket_job_id"), assetID: try reader.string("asset_id"),
            ttsServiceEnum: try reader.string("tts_service_enum"), textLength: try reader.int("text_length"),
            createTime: try reader.string("create_time"), audioFormatRaw: try reader.string("audio_format") ?? "WAV",
            needTimestamp: try reader.bool("need_timestamp"), genSRT: try reader.bool("gen_srt"),
            jobType: try reader.string("job_type"), jobState: JobState(rawValue: state),
            failMsg: try reader.string("fail_msg"), files: files)
    }

    /// Typed access to optional fields; a present field of the wrong type is an error.
    struct FieldReader {
        let fields: [String: Any]
        let jobID: String
        var prefix = ""

        func string(_ name: String) throws(FieldError) -> String? {
            switch fields[name] {
            case nil, is NSNull: return nil
            case let value as String: return value
            default: throw FieldError(jobID: jobID, field: prefix + name, problem: "has the wrong type (expected a string)")
            }
        }

        func int(_ name: String) throws(FieldError) -> Int? {
            switch fields[name] {
            case nil, is NSNull: return nil
            case let value?:
                guard let number = integer(value) else {
                    throw FieldError(jobID: jobID, field: prefix + name, problem: "has the wrong type (expected an integer)")
                }
                return number
            }
        }

        func bool(_ name: String) throws(FieldError) -> Bool? {
            switch fields[name] {
            case nil, is NSNull: return nil
            case let value as NSNumber where CFGetTypeIDIsBool(value): return value.boolValue
            default: throw FieldError(jobID: jobID, field: prefix + name, problem: "has the wrong type (expected a boolean)")
            }
        }
    }

    /// An integer from JSON (NSNumber that is integral and not a boolean).
    static func integer(_ value: Any?) -> Int? {
        guard let number = value as? NSNumber, !CFGetTypeIDIsBool(number) else { return nil }
        let double = number.doubleValue
        guard double == double.rounded(), abs(double) < 9e15 else { return nil }
        return number.intValue
    }
}

/// JSONSerialization on Linux gives booleans as NSNumber too; tell them apart by their type.
func CFGetTypeIDIsBool(_ number: NSNumber) -> Bool {
    String(cString: number.objCType) == "c" || type(of: number) == type(of: NSNumber(value: true))
}

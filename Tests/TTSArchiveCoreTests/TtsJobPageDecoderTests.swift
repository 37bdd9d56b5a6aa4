import Foundation
import Testing
@testable import TTSArchiveCore

@Suite("ShowTtsJob page decoding")
struct TtsJobPageDecoderTests {
    func decode(_ json: String, offset: Int = 0) throws -> TtsJobPage {
        try TtsJobPageDecoder.decode(Array(json.utf8), offset: offset)
    }

    @Test func decodesEveryDocumentedField() throws {
        let page = try decode("""
            {"count": 1, "data": [{"job_id": "j1", "websocket_job_id": "w1", "asset_id": "a1", "tts_service_enum": "TTS_LLM",
             "text_length": 3492, "create_time": "2025-06-09T10:48:07Z", "audio_format": "MP3", "need_timestamp": true,
             "gen_srt": false, "job_type": "WEBSOCKET", "job_state": "SUCCEED", "fail_msg": null, "unknown_field": [1,2],
             "files": [{"audio_file_url": "https://x/a", "audio_info_file_url": "https://x/i", "audio_srt_file_url": "https://x/s",
                        "audio_action_file_url": "https://x/c"}]}]}
            """)
        #expect(page.count == 1)
        #expect(page.badRecords.isEmpty)
        let job = try #require(page.jobs.first)
        #expect(job.jobID == "j1" && job.websocketJobID == "w1" && job.assetID == "a1" && job.ttsServiceEnum == "TTS_LLM")
        #expect(job.textLength == 3492 && job.createTime == "2025-06-09T10:48:07Z" && job.audioFormat == .mp3)
        #expect(job.needTimestamp == true && job.genSRT == false && job.jobType == "WEBSOCKET" && job.jobState == .succeeded)
        #expect(job.links.map(\.kind) == [.audio, .timestamps, .subtitles, .actions])
    }

    @Test func toleratesMissingOptionalFields() throws {
        let page = try decode(#"{"count": 1, "data": [{"job_id": "j", "job_state": "WAITING"}]}"#)
        #expect(page.jobs.first?.audioFormat == .wav)
        #expect(page.jobs.first?.files.isEmpty == true)
    }

    @Test func badRecordsAreSkippedAndNamed() throws {
        let page = try decode("""
            {"count": 4, "data": [
              {"job_id": "good", "job_state": "SUCCEED"},
              {"job_state": "SUCCEED"},
              {"job_id": "typed", "job_state": "SUCCEED", "text_length": "long"},
              {"job_id": "flag", "job_state": "SUCCEED", "gen_srt": 1}]}
            """, offset: 200)
        #expect(page.jobs.map(\.jobID) == ["good"])
        #expect(page.badRecords.count == 3)
        #expect(page.badRecords[0].field == "job_id" && page.badRecords[0].pageOffset == 200 && page.badRecords[0].index == 1)
        #expect(page.badRecords[1].field == "text_length" && page.badRecords[1].jobID == "typed")
        #expect(page.badRecords[2].field == "gen_srt")
        #expect(page.badRecords[1].description.contains("offset 200"))
    }

    @Test func malformedPagesFailWhole() {
        #expect(throws: TtsJobPageDecoder.PageError.self) { try decode("{\"count\": 1, \"data\": [") }
        #expect(throws: TtsJobPageDecoder.PageError.self) { try decode("[]") }
        #expect(throws: TtsJobPageDecoder.PageError.self) { try decode(#"{"data": []}"#) }
        #expect(throws: TtsJobPageDecoder.PageError.self) { try decode(#"{"count": true, "data": []}"#) }
    }
}

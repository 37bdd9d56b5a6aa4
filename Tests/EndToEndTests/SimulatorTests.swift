import Foundation
import Testing
import TTSArchiveCore
import TTSSimulator

@Suite("MetaStudio simulator: listing, auth, downloads")
struct SimulatorTests {
    @Test func paginationCountsAndOrder() async throws {
        try await SimulatorFixture.with(jobs: 137) { fx in
            let first = try await fx.records("")
            #expect(first.count == 137)
            #expect(first.data.count == 10, "default limit is 10")
            let tail = try await fx.records("limit=100&offset=130")
            #expect(tail.data.count == 7)
            var ids: [String] = []
            var times: [String] = []
            for offset in stride(from: 0, to: 137, by: 50) {
                let page = try await fx.records("limit=50&offset=\(offset)")
                #expect(page.count == 137)
                ids += page.data.compactMap { $0["job_id"] as? String }
                times += page.data.compactMap { $0["create_time"] as? String }
            }
            #expect(ids.count == 137 && Set(ids).count == 137)
            #expect(times == times.sorted(by: >), "newest first")
            let record = try #require(first.data.first)
            for field in ["job_id", "asset_id", "tts_service_enum", "text_length", "create_time", "audio_format",
                          "need_timestamp", "gen_srt", "job_type", "job_state", "files"] {
                #expect(record[field] != nil, "field \(field)")
            }
            #expect((first.data.first?["create_time"] as? String)?.count == 20, "RFC 3339 like 2025-06-09T10:48:07Z")
        }
    }

    @Test func inclusiveBoundsAndFilters() async throws {
        try await SimulatorFixture.with(jobs: 80) { fx in
            let all = try await fx.allRecords()
            let sample = try #require(all.dropFirst(7).first)
            let time = try #require(sample["create_time"] as? String)
            let exact = try await fx.records("create_since=\(time)&create_until=\(time)&limit=100")
            #expect(exact.count >= 1 && exact.data.allSatisfy { $0["create_time"] as? String == time })
            #expect(exact.data.contains { $0["job_id"] as? String == sample["job_id"] as? String })
            let later = try #require(RFC3339Test.shift(time, by: 1))
            let after = try await fx.records("create_since=\(later)&limit=100")
            #expect(after.count == all.filter { ($0["create_time"] as? String ?? "") > time }.count)

            let id = try #require(sample["job_id"] as? String)
            let byID = try await fx.records("job_id=\(id)")
            #expect(byID.count == 1 && byID.data.first?["job_id"] as? String == id)
            let type = try #require(sample["job_type"] as? String)
            let typed = try await fx.records("job_type=\(type)&limit=100")
            #expect(typed.count == all.filter { $0["job_type"] as? String == type }.count)
            #expect(typed.data.allSatisfy { $0["job_type"] as? String == type })
            let service = try #require(sample["tts_service_enum"] as? String)
            let serviced = try await fx.records("tts_service_enum=\(service)&limit=100")
            #expect(serviced.count == all.filter { $0["tts_service_enum"] as? String == service }.count)
        }
    }

    @Test func validationErrorsUseMSS000000003() async throws {
        try await SimulatorFixture.with(jobs: 5) { fx in
            for query in ["limit=0", "limit=101", "limit=ten", "offset=-1", "create_since=yesterday",
                          "create_until=2025-13-01T00:00:00Z", "job_type=NOPE", "tts_service_enum=TTS_X"] {
                let response = try await fx.list(query)
                #expect(response.status == 400, "\(query)")
                #expect(response.json?["error_code"] as? String == "MSS.000000003", "\(query)")
                #expect(response.json?["request_id"] as? String == response.header("X-Request-Id"), "\(query)")
            }
            #expect(try await fx.stats()["validation_errors"] as? Int == 8)
        }
    }

    @Test func authTokenSignaturesAndProjects() async throws {
        try await SimulatorFixture.with(jobs: 5) { fx in
            let sim = fx.sim
            func expectRefused(_ response: RawResponse, _ status: Int, _ what: String) {
                #expect(response.status == status, "\(what): \(response.text)")
                #expect(response.json?["error_code"] as? String == "MSS.000000004", "\(what)")
                #expect(response.header("X-Request-Id")?.count == 32, "\(what)")
            }
            expectRefused(try await SimulatorHTTP.request(sim.baseURL + fx.jobsPath), 401, "no credentials")
            expectRefused(
                try await SimulatorHTTP.request(sim.baseURL + fx.jobsPath, headers: [("X-Auth-Token", "wrong")]), 401, "bad token")
            #expect(try await fx.list().status == 200)
            expectRefused(
                try await SimulatorHTTP.request(sim.baseURL + "/v1/someoneelse/ttsc/tts-jobs", headers: fx.tokenHeader), 403,
                "token, other project")

            let query = [QueryItem("limit", "3"), QueryItem("create_since", "2025-06-09T00:00:00Z")]
            let good = SimulatorHTTP.signedGet(sim, path: fx.jobsPath, query: query)
            let accepted = try await SimulatorHTTP.request(good.url, headers: good.headers)
            #expect(accepted.status == 200, "\(accepted.text)")
            #expect((accepted.json?["data"] as? [Any])?.count == 3)

            let tampered = good.url.replacingOccurrences(of: "limit=3", with: "limit=4")
            expectRefused(try await SimulatorHTTP.request(tampered, headers: good.headers), 401, "tampered query")
            let wrongSecret = SimulatorHTTP.signedGet(sim, path: fx.jobsPath, query: query, secretKey: "not-the-secret")
            expectRefused(try await SimulatorHTTP.request(wrongSecret.url, headers: wrongSecret.headers), 401, "wrong SK")
            let unknownKey = SimulatorHTTP.signedGet(sim, path: fx.jobsPath, query: query, accessKey: "NOSUCHKEY")
            expectRefused(try await SimulatorHTTP.request(unknownKey.url, headers: unknownKey.headers), 401, "unknown AK")
            let stale = SimulatorHTTP.signedGet(sim, path: fx.jobsPath, query: query, date: Date().addingTimeInterval(-3600))
            expectRefused(try await SimulatorHTTP.request(stale.url, headers: stale.headers), 401, "clock skew")
            let otherHeader = SimulatorHTTP.signedGet(sim, path: fx.jobsPath, query: query, projectHeader: "another")
            expectRefused(try await SimulatorHTTP.request(otherHeader.url, headers: otherHeader.headers), 401, "X-Project-Id")
            let otherPath = "/v1/another/ttsc/tts-jobs"
            let foreign = SimulatorHTTP.signedGet(sim, path: otherPath, query: query, projectHeader: "another")
            expectRefused(try await SimulatorHTTP.request(foreign.url, headers: foreign.headers), 403, "other project")
            #expect(try await fx.stats()["auth_failures"] as? Int == 9)
        }
    }

    @Test func quotas() async throws {
        try await SimulatorFixture.with(jobs: 1) { fx in
            let url = fx.sim.baseURL + "/v1/\(fx.sim.config.projectID)/voice-training-manage/quotas"
            // One page of them all: the trained voices alone outnumber the default page of 10.
            let all = try await SimulatorHTTP.request(url + "?limit=100", headers: fx.tokenHeader)
            let json = try #require(all.json)
            let resources = try #require(json["resources"] as? [[String: Any]])
            #expect(json["count"] as? Int == resources.count && resources.count > 10)
            #expect((json["resource_available_nums"] as? [String: Int])?.keys.sorted()
                == ["advance", "basic", "flexus", "middle", "middle_on_demand", "third_party_cmww"])
            #expect(resources.allSatisfy { ($0["resource_id"] as? String)?.count == 32 && $0["expire_time"] is String })
            let one = try await SimulatorHTTP.request(url + "?limit=1&offset=2", headers: fx.tokenHeader)
            #expect((one.json?["resources"] as? [[String: Any]])?.first?["resource_id"] as? String
                == resources[2]["resource_id"] as? String)
            #expect(try await SimulatorHTTP.request(url + "?limit=0", headers: fx.tokenHeader).status == 400)
            #expect(try await SimulatorHTTP.request(url).status == 401)
        }
    }

    @Test func determinismFromTheSeed() async throws {
        func shape(_ records: [[String: Any]]) -> [String] {
            // Links differ in port and expiry; everything else must match.
            records.map { record in
                record.filter { $0.key != "files" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    .joined(separator: ",")
            }
        }
        func world(seed: UInt64) async throws -> (shape: [String], bodies: [[UInt8]], etags: [String?]) {
            try await SimulatorFixture.with(jobs: 40, seed: seed) { fx in
                let links = try await fx.allLinks()
                #expect(links.count > 40)
                var bodies: [[UInt8]] = [], etags: [String?] = []
                for link in links.prefix(12) {
                    let response = try await SimulatorHTTP.request(link.url)
                    #expect(response.status == 200)
                    bodies.append(response.body)
                    etags.append(response.header("ETag"))
                }
                return (shape(try await fx.allRecords()), bodies, etags)
            }
        }
        let a = try await world(seed: 99), b = try await world(seed: 99), c = try await world(seed: 100)
        #expect(a.shape == b.shape)
        #expect(a.bodies == b.bodies && a.etags == b.etags)
        #expect(a.shape != c.shape)
        #expect(a.bodies != c.bodies)
    }

    @Test func appearingJobsPushOffsetsAlong() async throws {
        try await SimulatorFixture.with(jobs: 50, { $0.appearPerPage = 5 }) { fx in
            var seen: [String] = []
            var counts: [Int] = []
            for offset in stride(from: 0, to: 50, by: 10) {
                let page = try await fx.records("limit=10&offset=\(offset)")
                counts.append(page.count)
                seen += page.data.compactMap { $0["job_id"] as? String }
            }
            #expect(counts == [50, 55, 60, 65, 70], "each page served adds five jobs")
            #expect(Set(seen).count < seen.count, "new jobs sort among the listed ones, so offsets drift")
            let stats = try await fx.stats()
            #expect(stats["jobs_appeared"] as? Int == 25 && stats["listing_pages"] as? Int == 5)
            // A job_id look-up is not a page of the window: nothing appears.
            _ = try await fx.records("job_id=\(seen[0])")
            #expect(try await fx.records("limit=1").count == 75)
        }
    }

    @Test func lateSuccessOfPendingJobs() async throws {
        try await SimulatorFixture.with(jobs: 10, { config in
            config.stateMix = JobStateMix()
            config.stateMix.succeed = 0
            config.stateMix.failed = 0
            config.pendingSucceedFraction = 1
        }) { fx in
            let before = try await fx.records("limit=100")
            #expect(before.data.allSatisfy { ["WAITING", "PROCESSING"].contains($0["job_state"] as? String ?? "") })
            #expect(before.data.allSatisfy { ($0["files"] as? [Any])?.isEmpty == true })
            // Seconds since start: 0 means "by now", a day means "not yet".
            #expect(try await fx.control(#"{"pending_become_succeeded_after": 0}"#).status == 200)
            let after = try await fx.records("limit=100")
            #expect(after.data.allSatisfy { $0["job_state"] as? String == "SUCCEED" })
            #expect(after.data.allSatisfy { ($0["files"] as? [Any])?.isEmpty == false })
            _ = try await fx.control(#"{"pending_become_succeeded_after": 86400}"#)
            #expect(try await fx.records("limit=100").data.allSatisfy { $0["job_state"] as? String != "SUCCEED" })
        }
    }
}

/// Shifts an RFC 3339 `…Z` time by whole seconds (test-side arithmetic, independent of the simulator).
enum RFC3339Test {
    static func shift(_ text: String, by seconds: Int) -> String? {
        let formatter = ISO8601DateFormatter()
        guard let date = formatter.date(from: text) else { return nil }
        return formatter.string(from: date.addingTimeInterval(TimeInterval(seconds)))
    }
}

import Foundation
import Testing
import TTSSimulator

@Suite("MetaStudio simulator: fault injection")
struct SimulatorFaultTests {
    @Test func listingFaultsHitTheFirstAttemptOnly() async throws {
        try await SimulatorFixture.with(jobs: 20) { fx in
            #expect(try await fx.control(#"{"faults": {"list_5xx": 1}}"#).status == 200)
            let failed = try await fx.list("limit=5")
            #expect(failed.status == 500 && failed.json?["error_code"] as? String == "MSS.000000002")
            #expect(try await fx.list("limit=5").status == 200, "the retry of the same page succeeds")

            _ = try await fx.control(#"{"faults": {"list_5xx": 0, "list_429": 1}}"#)
            let throttled = try await fx.list("limit=6")
            #expect(throttled.status == 429 && throttled.header("Retry-After") == "1")
            #expect(try await fx.list("limit=6").status == 200)

            _ = try await fx.control(#"{"faults": {"list_429": 0, "malformed_json": 1}}"#)
            let broken = try await fx.list("limit=7")
            #expect(broken.status == 200 && broken.json == nil && broken.body.count > 10)
            #expect(try await fx.list("limit=7").json?["count"] as? Int == 20)

            for name in ["list_5xx", "list_429", "malformed_json"] {
                #expect(try await fx.faultCount(name) == 1, "\(name)")
            }
        }
    }

    @Test func hostileIDsAndBadRecords() async throws {
        try await SimulatorFixture.with(jobs: 60, { config in
            config.faults[.hostileJobID] = 0.3
            config.faults[.badRecord] = 0.2
        }) { fx in
            let page = try await fx.records("limit=100")
            #expect(page.count == 60 && page.data.count == 60, "bad records still count")
            let ids = page.data.compactMap { $0["job_id"] as? String }
            #expect(ids.contains("../../etc/passwd"))
            #expect(Set(ids).count == ids.count, "hostile ids are distinct")
            let broken = page.data.filter { record in
                !(record["job_id"] is String) || !(record["text_length"] is Int) || !(record["files"] is [Any])
                    || !(record["job_state"] is String) || !(record["create_time"] is String)
            }
            #expect(!broken.isEmpty)
            #expect(try await fx.faultCount("bad_record") == broken.count)
            #expect(try await fx.faultCount("hostile_job_id") == ids.filter { $0.count != 32 }.count)
            // The hostile id can be looked up like any other (percent-encoded in the query).
            let lookup = try await fx.records("job_id=..%2F..%2Fetc%2Fpasswd")
            #expect(lookup.count == 1 && lookup.data.first?["job_id"] as? String == "../../etc/passwd")
            let links = (lookup.data.first?["files"] as? [[String: String]])?.first?.values ?? [:].values
            #expect(links.allSatisfy { !$0.contains("etc/passwd") }, "object keys never carry the job id")
        }
    }

    @Test func persistentLinkFaults() async throws {
        try await SimulatorFixture.with(jobs: 10, { $0.faults[.foreignHost] = 1 }) { fx in
            let foreign = try await fx.allLinks()
            #expect(!foreign.isEmpty && foreign.allSatisfy { $0.url.hasPrefix("http://198.51.100.7/obs/") })
            #expect(try await fx.faultCount("foreign_host") == foreign.count)

            _ = try await fx.control(#"{"faults": {"foreign_host": 0, "redirect_file": 1}}"#)
            let link = try #require(try await fx.allLinks().first)
            for _ in 0..<2 {
                let redirect = try await SimulatorHTTP.request(link.url)
                #expect(redirect.status == 302 && redirect.header("Location") == "file:///etc/passwd")
            }

            _ = try await fx.control(#"{"faults": {"redirect_file": 0, "absurd_length": 1}}"#)
            let head = try await SimulatorHTTP.request("HEAD", link.url)
            #expect(head.header("Content-Length") == "1099511627776")
            let get = try await SimulatorHTTP.request(link.url)
            #expect(get.status == 200 && get.endedEarly && get.body.count <= 1 << 20)
            #expect(try await fx.faultCount("redirect_file") == 2)
            #expect(try await fx.faultCount("absurd_length") == 2)
        }
    }

    @Test func downloadFaultsThenACleanRetry() async throws {
        try await SimulatorFixture.with(jobs: 40, { config in
            config.audioMinBytes = 30_000
            config.trickleChunkBytes = 1_024
            config.trickleDelayMilliseconds = 50
            config.trickleMaxSeconds = 0.6
        }) { fx in
            let audio = try await fx.allLinks().filter { $0.field == "audio_file_url" }
            let kinds = ["download_5xx", "download_429", "reset", "truncate", "flip", "trickle"]
            #expect(audio.count >= kinds.count)
            for (kind, link) in zip(kinds, audio) {
                let rates = kinds.map { "\"\($0)\": \($0 == kind ? 1 : 0)" }.joined(separator: ", ")
                _ = try await fx.control("{\"faults\": {\(rates)}}")
                let first = try await SimulatorHTTP.request(link.url)
                let clean = try await SimulatorHTTP.request(link.url)
                #expect(clean.status == 200 && clean.header("ETag") == "\"\(md5Hex(clean.body))\"", "\(kind) retry")
                switch kind {
                case "download_5xx": #expect(first.status == 503 && first.text.contains("<Error>"))
                case "download_429": #expect(first.status == 429 && first.header("Retry-After") == "1")
                case "reset", "truncate":
                    #expect(first.status == 200 && first.endedEarly, "\(kind)")
                    #expect(first.reset == (kind == "reset"), "\(kind): RST for reset, FIN for truncate")
                    #expect(first.body == Array(clean.body.prefix(first.body.count)), "\(kind): what came was right")
                case "flip":
                    #expect(first.body.count == clean.body.count && first.header("ETag") == clean.header("ETag"))
                    #expect(zip(first.body, clean.body).filter { $0 != $1 }.count == 1)
                default:
                    #expect(first.body == clean.body && first.elapsed >= 0.5, "trickle took \(first.elapsed) s")
                }
                #expect(try await fx.faultCount(kind) == 1, "\(kind)")
                let key = try #require(MetaStudioSimulator.objectKey(ofLink: link.url))
                let counters = (try await fx.stats()["objects"] as? [String: [String: Int]])?[key]
                #expect(counters?["faults"] == 1 && counters?["requests"] == 2, "\(kind)")
                #expect(counters?["completed_full_bodies"] == (kind == "trickle" ? 2 : 1), "\(kind)")
            }
        }
    }

    @Test func randomModeAndAttemptsAndReset() async throws {
        try await SimulatorFixture.with(jobs: 5) { fx in
            let link = try #require(try await fx.allLinks().first)
            _ = try await fx.control(#"{"faults": {"download_5xx": 1}, "fault_attempts": 2}"#)
            let statuses = try await [fx.status(of: link), fx.status(of: link), fx.status(of: link)]
            #expect(statuses == [503, 503, 200], "two faulty attempts, then clean")
            #expect(try await SimulatorHTTP.request("POST", fx.sim.baseURL + "/__reset_stats").status == 200)
            #expect(try await fx.faultCount("download_5xx") == 0)
            #expect(try await fx.status(of: link) == 503, "reset forgets attempts")
            _ = try await fx.control(#"{"fault_mode": "random"}"#)
            #expect(try await [fx.status(of: link), fx.status(of: link), fx.status(of: link)] == [503, 503, 503])
            #expect(try await fx.control(#"{"no_such_knob": 1}"#).status == 400)
            #expect(try await fx.control(#"{"faults": {"flip": 2}}"#).status == 400)
            #expect(try await fx.control(#"{"faults": {"nonsense": 0.5}}"#).status == 400)
        }
    }

    @Test func bandwidthCapPacesDownloads() async throws {
        try await SimulatorFixture.with(jobs: 4, { config in
            config.audioMinBytes = 150_000
            config.audioMaxBytes = 160_000
            config.bandwidth = 100_000
        }) { fx in
            let link = try #require(try await fx.allLinks().first { $0.field == "audio_file_url" })
            let capped = try await SimulatorHTTP.request(link.url)
            #expect(capped.body.count >= 150_000 && capped.elapsed >= 1.2, "took \(capped.elapsed) s")
            _ = try await fx.control(#"{"bandwidth": 0}"#)
            let free = try await SimulatorHTTP.request(link.url)
            #expect(free.body == capped.body && free.elapsed < capped.elapsed)
        }
    }
}

extension SimulatorFixture {
    /// The status of one GET of a link.
    func status(of link: (format: String, field: String, url: String)) async throws -> Int {
        try await SimulatorHTTP.request(link.url).status
    }
}

import Foundation
import Testing

@testable import TTSArchiveCore

@Suite("Link expiry")
struct LinkExpiryTests {
    let listed = Date(timeIntervalSince1970: 1_700_000_000)

    @Test("OBS links carry their deadline as Expires")
    func obsExpires() {
        let url =
            "https://bucket.obs.cn-north-4.myhuaweicloud.com/tts/a.wav?AccessKeyId=AK&Expires=1700003000&Signature=x%2By"
        let expiry = LinkExpiry(url: url, listedAt: listed)
        #expect(expiry.source == .query)
        #expect(expiry.expiresAt == Date(timeIntervalSince1970: 1_700_003_000))
        #expect(expiry.listedAt == listed)
    }

    @Test("V4-style links carry a signing date and a lifetime")
    func v4Expires() {
        let amz = "https://b.example/o?X-Amz-Date=20231114T221320Z&X-Amz-Expires=900&X-Amz-Signature=s"
        #expect(LinkExpiry(url: amz, listedAt: listed).expiresAt == Date(timeIntervalSince1970: 1_700_000_000 + 900))
        let obs = "https://b.example/o?x-obs-date=20231114T221320Z&x-obs-expires=60"
        #expect(LinkExpiry(url: obs, listedAt: listed).expiresAt == Date(timeIntervalSince1970: 1_700_000_060))
    }

    @Test(
        "without a usable deadline in the query, listing time plus the lifetime",
        arguments: [
            "https://b.example/o.wav", "https://b.example/o.wav?Expires=soon", "https://b.example/o.wav?Expires=-5",
            "https://b.example/o?X-Amz-Date=garbage&X-Amz-Expires=900", "not a url at all",
        ])
    func assumed(url: String) {
        let expiry = LinkExpiry(url: url, listedAt: listed)
        #expect(expiry.source == .assumedLifetime)
        #expect(expiry.expiresAt == listed.addingTimeInterval(3_600))
        #expect(
            LinkExpiry(url: url, listedAt: listed, lifetime: .seconds(20)).expiresAt == listed.addingTimeInterval(20))
    }

    @Test("usable while now + transfer + margin fits before the deadline")
    func usable() {
        let expiry = LinkExpiry(expiresAt: listed.addingTimeInterval(3_600), listedAt: listed, source: .query)
        let late = listed.addingTimeInterval(3_480)  // 120 s left
        #expect(expiry.isUsable(at: late))
        #expect(expiry.isUsable(at: late, forTransferTaking: .seconds(60)))
        #expect(!expiry.isUsable(at: late, forTransferTaking: .seconds(61)))
        #expect(!expiry.isUsable(at: late, forTransferTaking: .seconds(30), margin: .seconds(91)))
        #expect(!expiry.isUsable(at: listed.addingTimeInterval(3_541)))
        #expect(!expiry.isUsable(at: listed.addingTimeInterval(4_000)))
        #expect(expiry.remaining(at: late) == .seconds(120))
        #expect(expiry.remaining(at: listed.addingTimeInterval(3_601)) == .seconds(-1))
    }

    @Test("the margin shrinks to a quarter of a short link's lifetime")
    func shortLived() {
        let expiry = LinkExpiry(url: "https://127.0.0.1:9000/o", listedAt: listed, lifetime: .seconds(20))
        #expect(expiry.isUsable(at: listed))
        #expect(expiry.isUsable(at: listed.addingTimeInterval(15)))  // 5 s left = the margin
        #expect(!expiry.isUsable(at: listed.addingTimeInterval(15.5)))
        #expect(!expiry.isUsable(at: listed, forTransferTaking: .seconds(16)))
    }

    @Test(
        "which 403 bodies say the link expired",
        arguments: [
            (
                403,
                #"<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message><RequestId>0001</RequestId></Error>"#,
                true
            ),
            (403, "<Error><Code>ExpiredToken</Code></Error>", true),
            (
                403,
                "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the server's time is too large.</Message></Error>",
                true
            ),
            (403, "Link EXPIRED", true),
            (403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>", false),
            (403, "<Error><Code>SignatureDoesNotMatch</Code></Error>", false),
            (403, "", false),
            (404, "<Message>Request has expired</Message>", false),
            (400, "Request has expired", false),
        ])
    func expiredBodies(status: Int, body: String, expired: Bool) {
        #expect(LinkExpiry.saysExpired(status: status, bodyPrefix: Array(body.utf8)) == expired)
    }

    @Test("only the body's start is read")
    func boundedBody() {
        let body = [UInt8](repeating: 0x20, count: 10_000) + Array("Request has expired".utf8)
        #expect(!LinkExpiry.saysExpired(status: 403, bodyPrefix: body))
    }
}

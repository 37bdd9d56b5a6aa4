public import Foundation

/// When a pre-signed download link stops working, and whether it is still worth starting with.
///
/// MetaStudio hands out OBS pre-signed URLs valid for one hour. OBS (like S3's V2 signatures)
/// carries the deadline in the query as `Expires=<epoch seconds>`; S3-style V4 links carry
/// `X-Amz-Date` + `X-Amz-Expires` (OBS: `X-Obs-Date` + `X-Obs-Expires`). When a link carries
/// neither, the documented lifetime is assumed from the moment it was listed.
public struct LinkExpiry: Sendable, Hashable {
    /// Where the deadline came from.
    public enum Source: String, Sendable, Hashable {
        /// The link's own `Expires` (or date + expires) query parameters.
        case query
        /// Listing time plus the documented lifetime.
        case assumedLifetime
    }

    /// MetaStudio's documented link lifetime.
    public static let documentedLifetime: Duration = .seconds(3600)

    /// The instant the link stops working.
    public var expiresAt: Date
    /// The instant the link was handed out (the listing's time).
    public var listedAt: Date
    /// Where ``expiresAt`` came from.
    public var source: Source

    /// An expiry known outright.
    public init(expiresAt: Date, listedAt: Date, source: Source) {
        self.expiresAt = expiresAt
        self.listedAt = listedAt
        self.source = source
    }

    /// The expiry of `url`, listed at `listedAt`: from its query when it says, else `lifetime`
    /// after the listing.
    public init(url: String, listedAt: Date, lifetime: Duration = LinkExpiry.documentedLifetime) {
        if let deadline = Self.deadline(inQueryOf: url) {
            self.init(expiresAt: deadline, listedAt: listedAt, source: .query)
        } else {
            self.init(
                expiresAt: listedAt.addingTimeInterval(Self.seconds(lifetime)), listedAt: listedAt,
                source: .assumedLifetime)
        }
    }

    /// How long the link has left at `now` (negative once expired).
    public func remaining(at now: Date) -> Duration {
        .milliseconds(Int64((expiresAt.timeIntervalSince(now) * 1000).rounded(.down)))
    }

    /// True when a transfer of about `expected` started at `now` still begins well before the
    /// deadline: `now + expected + margin ≤ expiresAt`.
    ///
    /// The margin absorbs clock skew and request latency. It is capped at a quarter of the
    /// link's lifetime, so a short-lived link (a simulator's 20-second TTL) is not judged stale
    /// the moment it is handed out — that would only burn the re-list budget.
    public func isUsable(at now: Date, forTransferTaking expected: Duration = .zero, margin: Duration = .seconds(60))
        -> Bool
    {
        let lifetime = expiresAt.timeIntervalSince(listedAt)
        let effectiveMargin = lifetime > 0 ? min(Self.seconds(margin), lifetime / 4) : Self.seconds(margin)
        let needed = Self.seconds(max(.zero, expected)) + max(0, effectiveMargin)
        return now.addingTimeInterval(needed) <= expiresAt
    }

    /// The deadline a URL's query states, or nil.
    static func deadline(inQueryOf url: String) -> Date? {
        guard let items = URLComponents(string: url)?.queryItems else { return nil }
        func value(_ name: String) -> String? {
            items.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame })?.value
        }
        if let expires = value("Expires"), let epoch = Int64(expires), epoch > 0 {
            return Date(timeIntervalSince1970: TimeInterval(epoch))
        }
        for prefix in ["X-Amz-", "X-Obs-"] {
            if let signed = value(prefix + "Date").flatMap(Timestamp.parseCompact),
                let lifetime = value(prefix + "Expires").flatMap({ Int64($0) }), lifetime >= 0
            {
                return signed.addingTimeInterval(TimeInterval(lifetime))
            }
        }
        return nil
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

extension LinkExpiry {
    /// Whether an error answer to a download means the link expired (re-list and retry) rather
    /// than a refusal that no fresh link would fix.
    ///
    /// A pure function of the status and the first bytes of the body. OBS and S3 answer an
    /// expired pre-signed URL with `403` and an XML body like
    /// `<Error><Code>AccessDenied</Code><Message>Request has expired</Message>…`; some gateways
    /// say `ExpiredToken`, `Expired` or, when the signing clock is off, `RequestTimeTooSkewed`.
    /// All of these are cured by a freshly signed link; a `SignatureDoesNotMatch` or a bare
    /// `AccessDenied` is not.
    public static func saysExpired(status: Int, bodyPrefix: some Collection<UInt8>) -> Bool {
        guard status == 403 else { return false }
        let body = String(decoding: bodyPrefix.prefix(8192), as: UTF8.self).lowercased()
        let phrases = ["expired", "requesttimetooskewed", "request time too skewed"]
        return phrases.contains(where: body.contains)
    }
}

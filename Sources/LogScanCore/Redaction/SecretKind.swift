/// What a detector found. The raw value is the name used in placeholders
/// (`[REDACTED:email]`), in counts and in the config file.
package enum SecretKind: String, CaseIterable, Sendable, Comparable {
  // Found by the key that holds the value (`"password": ...`, `token=...`).
  case password
  case token
  case secret
  case apiKey = "api_key"
  case authorization
  case cookie
  case session
  case privateKey = "private_key"
  case cvv
  // Found by the value itself, wherever it is.
  case email
  case phone
  case card
  case ipv4
  case ipv6
  case jwt
  case bearerToken = "bearer_token"
  case basicAuth = "basic_auth"
  case pemPrivateKey = "pem_private_key"
  case urlCredentials = "url_credentials"
  case awsAccessKey = "aws_access_key"
  case awsSecretKey = "aws_secret_key"
  case githubToken = "github_token"
  case gitlabToken = "gitlab_token"
  case slackToken = "slack_token"
  case stripeKey = "stripe_key"
  case googleAPIKey = "google_api_key"
  case openaiKey = "openai_key"
  case anthropicKey = "anthropic_key"
  case npmToken = "npm_token"
  case pypiToken = "pypi_token"
  case sendgridKey = "sendgrid_key"
  case twilioKey = "twilio_key"
  case iban
  case ssn
  /// A key or pattern the user added in the config file.
  case custom

  package var name: String { rawValue }
  package var index: Int { Self.indexes[self]! }
  private static let indexes = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })

  package static func < (a: Self, b: Self) -> Bool { a.index < b.index }

  /// Kinds whose value may be shown in part (`partial` mode).
  package var allowsPartial: Bool { self == .email || self == .card }
}

/// How a detected value is replaced.
package enum RedactionMode: String, Sendable, CaseIterable {
  /// `[REDACTED:email]`
  case mask
  /// `[REDACTED:email:3fa2…]`: a keyed HMAC-SHA256, equal values give equal tokens.
  case hash
  /// The last 4 digits of a card, the domain of an email; other kinds are masked.
  case partial
  /// Left as it is (a kind the user turned off).
  case off
}

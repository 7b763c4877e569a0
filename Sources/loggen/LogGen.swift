import LogGenerator

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// loggen: writes deterministic, realistic multi-service JSON logs to stdout.
///
///     loggen --bytes 1G > corpus.jsonl
///     loggen --lines 100000 --seed 7 --malformed 0.001 --incident 30:40:0.2
@main
struct LogGen {
  nonisolated static func main() {
    var configuration = LogGenerator.Configuration()
    var byteLimit: Int64 = 0
    var truthPath: String?
    var plantedLines: [Int] = []
    var lineLimit = 0
    var concurrency = 1
    var arguments = CommandLine.arguments.dropFirst()
    func value() -> String {
      guard let next = arguments.popFirst() else { fail("missing value after an option") }
      return next
    }
    while let argument = arguments.popFirst() {
      switch argument {
      case "--bytes": byteLimit = parseSize(value())
      case "--lines": lineLimit = number(Int.self, value(), "--lines takes a number")
      case "--seed": configuration.seed = number(UInt64.self, value(), "--seed takes a number")
      case "--rate": configuration.requestsPerMinute = number(Int.self, value(), "--rate takes a number")
      case "--error-rate": configuration.errorRate = number(Double.self, value(), "--error-rate takes a number")
      case "--malformed": configuration.malformedRate = number(Double.self, value(), "--malformed takes a number")
      case "--incident":
        let parts = value().split(separator: ":")
        guard parts.count == 3, let start = Int(parts[0]), let end = Int(parts[1]), let rate = Double(parts[2])
        else { fail("--incident takes START_MINUTE:END_MINUTE:ERROR_RATE") }
        configuration.incidents.append((start, end, rate))
      case "--noise": configuration.noise = true
      case "--plant": configuration.plantRate = number(Double.self, value(), "--plant takes a number")
      case "--truth": truthPath = value()
      case "--concurrency": concurrency = number(Int.self, value(), "--concurrency takes a number")
      case "-h", "--help":
        print("usage: loggen (--bytes SIZE[K|M|G] | --lines N) [--seed N] [--rate REQ_PER_MIN]")
        print("              [--error-rate F] [--malformed F] [--incident START:END:RATE]...")
        print(
          "              [--noise] [--plant F --truth FILE]   (secrets planted; FILE lists line<TAB>kind<TAB>value)")
        print("              [--concurrency N]   (N requests in flight, their lines interleaved at random)")
        exit(0)
      default: fail("unknown argument '\(argument)'")
      }
    }
    if byteLimit == 0 && lineLimit == 0 { lineLimit = 10_000 }
    var generator = LogGenerator(configuration)
    if concurrency > 1 {
      guard truthPath == nil else { fail("--truth does not go with --concurrency") }
      interleave(
        &generator, concurrency: concurrency, seed: configuration.seed, byteLimit: byteLimit, lineLimit: lineLimit)
      return
    }
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 20)
    var written: Int64 = 0
    var lines = 0
    while (byteLimit == 0 || written < byteLimit) && (lineLimit == 0 || lines < lineLimit) {
      let before = buffer.count
      let plantedBefore = generator.planted.count
      generator.appendRequest(to: &buffer)
      for index in before..<buffer.count where buffer[index] == 0x0A { lines += 1 }
      // A planted line is the last line of its request.
      if generator.planted.count > plantedBefore { plantedLines.append(lines) }
      written += Int64(buffer.count - before)
      if buffer.count >= 1 << 20 { flush(&buffer) }
    }
    flush(&buffer)
    if let truthPath {
      var truth: [UInt8] = []
      for ((kind, secret), line) in zip(generator.planted, plantedLines) {
        truth += Array(String(line).utf8) + [0x09] + Array(kind.utf8) + [0x09]
        // One line per value: a PEM block's newlines are written as \n.
        for byte in secret.utf8 { truth += byte == 0x0A ? [0x5C, 0x6E] : [byte] }
        truth.append(0x0A)
      }
      guard let file = fopen(truthPath, "w") else { fail("cannot write '\(truthPath)'") }
      _ = truth.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
      fclose(file)
    }
  }

  static func flush(_ buffer: inout [UInt8]) {
    buffer.withUnsafeBytes { bytes in
      var offset = 0
      while offset < bytes.count {
        let n = write(1, bytes.baseAddress! + offset, bytes.count - offset)
        if n <= 0 { exit(errno == EPIPE ? 0 : 1) }
        offset += n
      }
    }
    buffer.removeAll(keepingCapacity: true)
  }

  static func number<T: LosslessStringConvertible>(_ type: T.Type, _ text: String, _ message: String) -> T {
    guard let value = T(text) else { fail(message) }
    return value
  }

  static func parseSize(_ text: String) -> Int64 {
    let multipliers: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
    if let last = text.last, let multiplier = multipliers[last], let number = Int64(text.dropLast()) {
      return number * multiplier
    }
    return number(Int64.self, text, "--bytes takes a size like 500M or 1G")
  }

  /// Keeps `concurrency` requests in flight and writes the next line of one
  /// of them, chosen at random, until the limit: a stream with that many
  /// request ids open at once (for correlation memory benchmarks).
  static func interleave(
    _ generator: inout LogGenerator, concurrency: Int, seed: UInt64, byteLimit: Int64, lineLimit: Int
  ) {
    var pool: [(lines: [UInt8], next: Int)] = []
    pool.reserveCapacity(concurrency)
    for _ in 0..<concurrency {
      var lines: [UInt8] = []
      generator.appendRequest(to: &lines)
      pool.append((lines, 0))
    }
    var random = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 20)
    var written: Int64 = 0
    var lines = 0
    while (byteLimit == 0 || written < byteLimit) && (lineLimit == 0 || lines < lineLimit) {
      random ^= random << 13
      random ^= random >> 7
      random ^= random << 17
      let slot = Int(random % UInt64(concurrency))
      let start = pool[slot].next
      let end = pool[slot].lines[start...].firstIndex(of: 0x0A)! + 1
      buffer.append(contentsOf: pool[slot].lines[start..<end])
      written += Int64(end - start)
      lines += 1
      if end == pool[slot].lines.count {
        pool[slot].lines.removeAll(keepingCapacity: true)
        generator.appendRequest(to: &pool[slot].lines)
        pool[slot].next = 0
      } else {
        pool[slot].next = end
      }
      if buffer.count >= 1 << 20 { flush(&buffer) }
    }
    flush(&buffer)
  }

  static func fail(_ message: String) -> Never {
    var text = "loggen: \(message)\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(2)
  }
}

import Foundation
import Testing

/// The package root: fixtures/ and the golden files live there, and the
/// binary runs with it as working directory so report paths are relative.
let packageRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The directory of the built products (the test bundle sits beside them).
let productsDirectory: URL = {
  let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
  var directory = executable.deletingLastPathComponent()
  while directory.path != "/" {
    if FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("logscan").path) {
      return directory
    }
    directory = directory.deletingLastPathComponent()
  }
  return packageRoot.appendingPathComponent(".build/debug")
}()

struct Run {
  var status: Int32
  var stdout: String
  var stderr: String
  var stdoutData: Data
}

/// Runs a built product with arguments (and optional standard input) from
/// the package root, with colour off and no terminal.
func run(
  _ arguments: [String], product: String = "logscan", stdin: Data? = nil,
  environment: [String: String] = [:]
) throws -> Run {
  try launch(productsDirectory.appendingPathComponent(product), arguments, stdin: stdin, environment: environment)
}

/// Runs a program of the machine (`zstd`, `bash`), found on the PATH, the
/// way `run` runs a product.
func runTool(_ arguments: [String], stdin: Data? = nil) throws -> Run {
  try launch(URL(fileURLWithPath: "/usr/bin/env"), arguments, stdin: stdin, environment: [:])
}

private func launch(
  _ executable: URL, _ arguments: [String], stdin: Data?, environment: [String: String]
) throws -> Run {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  process.currentDirectoryURL = packageRoot
  var env = ProcessInfo.processInfo.environment
  env["NO_COLOR"] = "1"
  // No configuration file of the machine's user leaks into the tests.
  env["XDG_CONFIG_HOME"] = "/nonexistent-logscan-test-config"
  for (key, value) in environment { env[key] = value }
  process.environment = env
  let out = Pipe()
  // Standard error goes to a file, so a chatty child can never block on it.
  let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("logscan-stderr-\(UUID().uuidString)")
  _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
  defer { try? FileManager.default.removeItem(at: errURL) }
  let errHandle = try FileHandle(forWritingTo: errURL)
  process.standardOutput = out
  process.standardError = errHandle
  let input = Pipe()
  process.standardInput = stdin == nil ? FileHandle.nullDevice : input
  try process.run()
  if let stdin {
    let writer = input.fileHandleForWriting
    DispatchQueue.global().async {
      writer.write(stdin)
      try? writer.close()
    }
  }
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  try errHandle.close()
  let errData = try Data(contentsOf: errURL)
  return Run(
    status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self), stdoutData: outData)
}

/// Compares output with a golden file in fixtures/expected/; with
/// RECORD_SNAPSHOTS=1 in the environment, writes it instead.
func expectGolden(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
  let url = packageRoot.appendingPathComponent("fixtures/expected").appendingPathComponent(name)
  if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
    try actual.write(to: url, atomically: true, encoding: .utf8)
    return
  }
  let expected = try String(contentsOf: url, encoding: .utf8)
  #expect(
    actual == expected, "differs from fixtures/expected/\(name) (RECORD_SNAPSHOTS=1 re-records)",
    sourceLocation: sourceLocation)
}

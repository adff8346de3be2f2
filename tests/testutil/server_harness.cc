#include "testutil/server_harness.h"

#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <pwd.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace sealkey::testing {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kStartTimeout = std::chrono::seconds(20);
constexpr auto kStopTimeout = std::chrono::seconds(10);
constexpr auto kPollInterval = std::chrono::milliseconds(20);
constexpr char kPostgresBin[] = "/usr/lib/postgresql/15/bin";

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int DecodeWaitStatus(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Waits for `pid` until `deadline`; the exit code, or -1 if still running.
int WaitUntil(pid_t pid, Clock::time_point deadline) {
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return DecodeWaitStatus(status);
    if (r < 0) return 128;  // not our child any more: nothing to wait for
    if (Clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(kPollInterval);
  }
}

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    throw std::runtime_error("cannot find a free port on 127.0.0.1");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

Sealkeyd::Sealkeyd(std::string database_url, SealkeydOptions options)
    : data_dir_(tmp_.File("data")), database_url_(std::move(database_url)) {
  std::string binary = BinPath("sealkeyd");
  if (access(binary.c_str(), X_OK) != 0) {
    throw std::runtime_error(binary + " is missing; build the sealkeyd target");
  }
  for (auto cmd : options.before) {
    cmd.insert(cmd.begin(), binary);
    cmd.insert(cmd.end(), {"--data-dir", data_dir_});
    if (!database_url_.empty()) cmd.insert(cmd.end(), {"--database", database_url_});
    auto r = RunCommand(cmd);
    if (r.exit_code != 0) throw std::runtime_error("sealkeyd " + cmd[1] + ": " + r.err);
  }
  std::vector<std::string> argv = {binary,    "serve",    "--data-dir",
                                   data_dir_, "--listen", "127.0.0.1:0"};
  if (!database_url_.empty()) argv.insert(argv.end(), {"--database", database_url_});
  argv.insert(argv.end(), options.serve_args.begin(), options.serve_args.end());
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, tmp_.File("stdout.log").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, tmp_.File("stderr.log").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + binary + ": " + std::strerror(rc));

  const std::string marker = "listening on ";
  auto deadline = Clock::now() + kStartTimeout;
  for (;;) {
    std::string out = ReadText(tmp_.File("stdout.log"));
    size_t at = out.find(marker);
    size_t end = at == std::string::npos ? at : out.find_first_of(" \n", at + marker.size());
    if (end != std::string::npos) {
      url_ = out.substr(at + marker.size(), end - at - marker.size());
      return;
    }
    int code = WaitUntil(pid_, Clock::now());
    if (code >= 0 || Clock::now() >= deadline) {
      if (code < 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
      }
      exit_code_ = code < 0 ? 128 + SIGKILL : code;
      throw std::runtime_error(
          std::string("sealkeyd ") +
          (code >= 0 ? "exited with " + std::to_string(code) : "printed no URL within 20 s") +
          "; stderr:\n" + Stderr());
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

Sealkeyd::~Sealkeyd() {
  bool running = exit_code_ < 0;
  int code = Stop();
  if (running && code != 0) {
    ADD_FAILURE() << "sealkeyd did not stop cleanly on SIGTERM (exit " << code << "); stderr:\n"
                  << Stderr();
  }
}

int Sealkeyd::Stop() {
  if (exit_code_ >= 0 || pid_ <= 0) return exit_code_;
  kill(pid_, SIGTERM);
  exit_code_ = WaitUntil(pid_, Clock::now() + kStopTimeout);
  if (exit_code_ < 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    exit_code_ = DecodeWaitStatus(status);
  }
  return exit_code_;
}

std::string Sealkeyd::Stderr() const { return ReadText(tmp_.File("stderr.log")); }

std::vector<SmsMessage> Sealkeyd::SmsOutbox() const {
  std::vector<SmsMessage> out;
  std::ifstream in(data_dir_ + "/outbox/sms.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) throw std::runtime_error("sms.jsonl has a bad line: " + line);
    out.push_back({j.value("time", int64_t{0}), j.value("to", ""), j.value("purpose", ""),
                   j.value("code", ""), j.value("text", "")});
  }
  return out;
}

std::string Sealkeyd::LatestSmsCode(const std::string& phone, const std::string& purpose) const {
  auto outbox = SmsOutbox();
  for (auto it = outbox.rbegin(); it != outbox.rend(); ++it) {
    if (it->to == phone && it->purpose == purpose) return it->code;
  }
  throw std::runtime_error("no SMS to " + phone + " for " + purpose + " in the outbox");
}

Postgres::Postgres() {
  std::string initdb = std::string(kPostgresBin) + "/initdb";
  if (access(initdb.c_str(), X_OK) != 0) {
    throw std::runtime_error(initdb +
                             " is missing: PostgreSQL 15 is not installed; run "
                             "scripts/setup-deps (it installs the package postgresql)");
  }
  char templ[] = "/tmp/sealkey-pg-XXXXXX";
  if (mkdtemp(templ) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = templ;
  if (geteuid() == 0) {
    passwd* pw = getpwnam("postgres");
    if (pw == nullptr || chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      fs::remove_all(dir_);
      throw std::runtime_error(
          "running as root needs the `postgres` user (created by the "
          "postgresql package; run scripts/setup-deps)");
    }
  }
  auto init = RunAsOwner({initdb, "-D", dir_ + "/data", "-U", "postgres", "--auth=trust", "-E",
                          "UTF8", "--no-locale", "--no-sync"});
  if (init.exit_code != 0) {
    fs::remove_all(dir_);
    throw std::runtime_error("initdb failed:\n" + init.out + init.err);
  }
  std::string failures;
  for (int attempt = 0; attempt < 3 && !running_; ++attempt) {
    port_ = FreePort();
    auto start = RunAsOwner({std::string(kPostgresBin) + "/pg_ctl", "-D", dir_ + "/data", "-l",
                             dir_ + "/server.log", "-w", "-t", "30", "-o",
                             "-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port_) +
                                 " -c unix_socket_directories=" + dir_ +
                                 " -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                             "start"});
    running_ = start.exit_code == 0;
    if (!running_) failures += start.out + start.err + ReadText(dir_ + "/server.log");
  }
  if (!running_) {
    fs::remove_all(dir_);
    throw std::runtime_error("PostgreSQL did not start:\n" + failures);
  }
  Psql("postgres", "CREATE ROLE sealkey LOGIN");
  CreateDatabase("sealkey");
}

Postgres::~Postgres() {
  if (running_) {
    RunAsOwner(
        {std::string(kPostgresBin) + "/pg_ctl", "-D", dir_ + "/data", "-m", "fast", "-w", "stop"});
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string Postgres::UriFor(const std::string& db) const {
  return "postgresql://sealkey@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

std::string Postgres::CreateDatabase(const std::string& name) {
  Psql("postgres", "CREATE DATABASE \"" + name + "\" OWNER sealkey");
  return UriFor(name);
}

std::string Postgres::Psql(const std::string& db, const std::string& sql) const {
  auto r = RunCommand({std::string(kPostgresBin) + "/psql", "-X", "-q", "-t", "-A", "-v",
                       "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U",
                       "postgres", "-d", db, "-c", sql});
  if (r.exit_code != 0) throw std::runtime_error("psql failed on `" + sql + "`: " + r.err);
  return r.out;
}

CommandResult Postgres::RunAsOwner(std::vector<std::string> argv) const {
  if (geteuid() == 0) {
    const char* runuser = access("/usr/sbin/runuser", X_OK) == 0 ? "/usr/sbin/runuser" : "runuser";
    argv.insert(argv.begin(), {runuser, "-u", "postgres", "--"});
  }
  // The server must not keep the caller's working directory (it may be
  // unreadable to postgres) or inherit PG* variables aimed elsewhere.
  argv.insert(argv.begin(), {"env", "-C", dir_, "-u", "PGDATA", "-u", "PGPORT", "-u", "PGHOST"});
  return RunCommand(argv);
}

}  // namespace sealkey::testing

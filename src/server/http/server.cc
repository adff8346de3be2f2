#include "server/http/server.h"

#include <atomic>
#include <cctype>
#include <optional>
#include <chrono>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast.hpp>

namespace sealkey::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const Router& router, size_t max_body,
             const std::atomic<bool>& stopping, std::atomic<int>& live)
      : stream_(std::move(socket)), router_(router), max_body_(max_body), stopping_(stopping),
        live_(live) {
    ++live_;
  }
  ~Connection() { --live_; }

  void Start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Connection::Read, shared_from_this()));
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(max_body_);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Connection::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout) return Close();
    if (ec == http::error::body_limit) {
      HttpRequest req;
      return Send(ProblemResponse(Bilingual(ErrorCode::kInvalidArgument,
                                            "the request body is too large", "请求内容过大",
                                            "body"),
                                  req.lang()),
                  false, 413);
    }
    if (ec) return Close();
    auto& raw = parser_->get();
    HttpRequest req;
    req.method = std::string(raw.method_string());
    std::string target(raw.target());
    size_t q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = target.substr(q + 1);
    for (const auto& f : raw) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers[name] = std::string(f.value());
    }
    req.body = std::move(raw.body());
    beast::error_code ep_ec;
    auto ep = stream_.socket().remote_endpoint(ep_ec);
    if (!ep_ec) req.client_ip = ep.address().to_string();
    HttpResponse res = router_.Dispatch(std::move(req));
    Send(std::move(res), raw.keep_alive() && !stopping_, 0);
  }

  void Send(HttpResponse res, bool keep_alive, int status_override) {
    auto msg = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(status_override ? status_override : res.status), 11);
    msg->set(http::field::server, "sealkeyd");
    if (res.status != 204) msg->set(http::field::content_type, res.content_type);
    for (const auto& [k, v] : res.headers) msg->set(k, v);
    msg->body() = std::move(res.body);
    msg->keep_alive(keep_alive);
    msg->prepare_payload();
    http::async_write(stream_, *msg,
                      [self = shared_from_this(), msg, keep_alive](beast::error_code ec, size_t) {
                        if (ec || !keep_alive) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const Router& router_;
  size_t max_body_;
  const std::atomic<bool>& stopping_;
  std::atomic<int>& live_;
};

}  // namespace

struct HttpServer::Impl {
  Impl(const Router& r, size_t n, size_t max_body)
      : router(r), threads(n), max_body(max_body), ioc(static_cast<int>(n)), acceptor(ioc),
        signals(ioc), grace(ioc) {}

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
      if (ec) return;  // closed on shutdown
      std::make_shared<Connection>(std::move(s), router, max_body, stopping, live)->Start();
      Accept();
    });
  }

  void BeginShutdown() {
    if (stopping.exchange(true)) return;
    beast::error_code ec;
    acceptor.close(ec);
    signals.cancel(ec);
    // Requests in flight finish (their connections close after the reply);
    // idle keep-alive connections would wait for their read timeout, so the
    // loop stops when none are left or after a 5 s grace period.
    grace_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    WaitForConnections();
  }

  void WaitForConnections() {
    if (live == 0 || std::chrono::steady_clock::now() >= grace_deadline) {
      ioc.stop();
      return;
    }
    grace.expires_after(std::chrono::milliseconds(20));
    grace.async_wait([this](beast::error_code) { WaitForConnections(); });
  }

  const Router& router;
  size_t threads;
  size_t max_body;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::signal_set signals;
  net::steady_timer grace;
  std::atomic<bool> stopping{false};
  std::atomic<int> live{0};
  std::chrono::steady_clock::time_point grace_deadline;
};

HttpServer::HttpServer(const Router& router, size_t threads, size_t max_body)
    : impl_(std::make_unique<Impl>(router, threads ? threads : 1, max_body)) {}

HttpServer::~HttpServer() = default;

Result<uint16_t> HttpServer::Listen(const std::string& address, uint16_t port) {
  beast::error_code ec;
  auto addr = net::ip::make_address(address, ec);
  if (ec) return Fail(ErrorCode::kInvalidArgument, "not an IP address: " + address, "--listen");
  tcp::endpoint ep(addr, port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Fail(ErrorCode::kIo, "cannot listen on " + address + ":" + std::to_string(port) +
                                    ": " + ec.message(),
                "--listen");
  }
  return a.local_endpoint().port();
}

void HttpServer::Run(bool handle_signals) {
  if (handle_signals) {
    impl_->signals.add(SIGTERM);
    impl_->signals.add(SIGINT);
    impl_->signals.async_wait([this](beast::error_code ec, int) {
      if (!ec) impl_->BeginShutdown();
    });
  }
  impl_->Accept();
  std::vector<std::thread> pool;
  for (size_t i = 1; i < impl_->threads; ++i) pool.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : pool) t.join();
}

void HttpServer::Stop() {
  net::post(impl_->ioc, [this] { impl_->BeginShutdown(); });
}

}  // namespace sealkey::server

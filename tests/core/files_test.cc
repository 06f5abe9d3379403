// lib/core/files.h: bounded reads, atomic writes that never replace a file without
// overwrite, modes set exactly as asked, and no temporary files left behind on failure.
#include "core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace iotonb::core {
namespace {

namespace fs = std::filesystem;

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "iotonb-files-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  static std::string slurp(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static void put(const std::string& p, const std::string& content) {
    std::ofstream out(p, std::ios::binary);
    out << content;
  }
  static mode_t mode_of(const std::string& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
  }
  std::set<std::string> entries() const {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.insert(e.path().filename().string());
    return names;
  }

  fs::path dir_;
};

TEST_F(FilesTest, WritesNewFileWithDefaultMode) {
  Status s = write_output(path("a.pem"), std::string_view("hello\n"));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(slurp(path("a.pem")), "hello\n");
  EXPECT_EQ(mode_of(path("a.pem")), 0644u);
  EXPECT_EQ(entries(), std::set<std::string>{"a.pem"});
}

TEST_F(FilesTest, CreatesPrivateFilesWithMode0600) {
  Status s = write_output(path("k.key"), std::string_view("secret"), WriteOptions{0600, false});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(mode_of(path("k.key")), 0600u);
  EXPECT_EQ(slurp(path("k.key")), "secret");
}

TEST_F(FilesTest, ModeIsExactRegardlessOfUmask) {
  mode_t old = ::umask(0077);
  Status s = write_output(path("pub.pem"), std::string_view("x"), WriteOptions{0644, false});
  ::umask(old);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(mode_of(path("pub.pem")), 0644u);
}

TEST_F(FilesTest, NeverOverwritesWithoutOverwrite) {
  put(path("a.pem"), "original");
  Status s = write_output(path("a.pem"), std::string_view("new"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::usage);
  EXPECT_EQ(s.error().message, path("a.pem") + ": exists (use --force to replace it)");
  EXPECT_EQ(slurp(path("a.pem")), "original");
  EXPECT_EQ(entries(), std::set<std::string>{"a.pem"}) << "a temporary file was left behind";
}

TEST_F(FilesTest, NeverFollowsADanglingSymlinkWithoutOverwrite) {
  fs::create_symlink(path("target-that-does-not-exist"), path("link.pem"));
  Status s = write_output(path("link.pem"), std::string_view("new"));
  ASSERT_FALSE(s.ok());
  EXPECT_FALSE(fs::exists(path("target-that-does-not-exist")));
  EXPECT_EQ(entries(), std::set<std::string>{"link.pem"});
}

TEST_F(FilesTest, OverwriteReplacesAndAppliesMode) {
  put(path("a.key"), "original content that is longer");
  ::chmod(path("a.key").c_str(), 0644);
  Status s = write_output(path("a.key"), std::string_view("new"), WriteOptions{0600, true});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(slurp(path("a.key")), "new");
  EXPECT_EQ(mode_of(path("a.key")), 0600u);
  EXPECT_EQ(entries(), std::set<std::string>{"a.key"});
}

TEST_F(FilesTest, FailureLeavesNoTempFile) {
  // The target is a directory: the final rename fails after the temp file was written.
  fs::create_directory(path("taken"));
  Status s = write_output(path("taken"), std::string_view("data"), WriteOptions{0644, true});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::io);
  EXPECT_NE(s.error().message.find(path("taken")), std::string::npos) << s.error().message;
  EXPECT_EQ(entries(), std::set<std::string>{"taken"}) << "a temporary file was left behind";
  EXPECT_TRUE(fs::is_empty(path("taken")));
}

TEST_F(FilesTest, FailureWithoutOverwriteOnDirectoryLeavesNoTempFile) {
  fs::create_directory(path("taken"));
  Status s = write_output(path("taken"), std::string_view("data"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(entries(), std::set<std::string>{"taken"});
}

TEST_F(FilesTest, MissingDirectoryIsAnIoErrorNamingThePath) {
  std::string p = path("no/such/dir/a.pem");
  Status s = write_output(p, std::string_view("data"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::io);
  EXPECT_EQ(s.error().message.rfind(p + ":", 0), 0u) << s.error().message;
  EXPECT_TRUE(entries().empty());
}

TEST_F(FilesTest, RelativePathInCurrentDirectory) {
  auto old = fs::current_path();
  fs::current_path(dir_);
  Status s = write_output("rel.txt", std::string_view("r"));
  fs::current_path(old);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(slurp(path("rel.txt")), "r");
  EXPECT_EQ(entries(), std::set<std::string>{"rel.txt"});
}

TEST_F(FilesTest, BinaryDataIsWrittenExactly) {
  Bytes data;
  for (int i = 0; i < 200000; ++i) data.push_back(static_cast<std::uint8_t>(i * 31));
  ASSERT_TRUE(write_output(path("bin"), ByteView(data)).ok());
  auto back = read_input(path("bin"));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, data);
}

TEST_F(FilesTest, CheckWritable) {
  put(path("exists"), "x");
  Status s = check_writable(path("exists"), false);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::usage);
  EXPECT_NE(s.error().message.find(path("exists")), std::string::npos);
  EXPECT_TRUE(check_writable(path("exists"), true).ok());
  EXPECT_TRUE(check_writable(path("new"), false).ok());
  EXPECT_TRUE(check_writable("-", false).ok());
  EXPECT_TRUE(check_writable("", false).ok());
}

TEST_F(FilesTest, ReadInput) {
  put(path("in"), "contents");
  auto data = read_input(path("in"));
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(std::string(as_chars(*data)), "contents");
}

TEST_F(FilesTest, ReadMissingFileNamesThePath) {
  auto data = read_input(path("missing"));
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().kind, ErrorKind::io);
  EXPECT_EQ(data.error().message, path("missing") + ": No such file or directory");
}

TEST_F(FilesTest, ReadDirectoryIsAnError) {
  auto data = read_input(dir_.string());
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().kind, ErrorKind::io);
}

TEST_F(FilesTest, ReadIsBounded) {
  put(path("big"), std::string(1001, 'x'));
  auto data = read_input(path("big"), 1000);
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().kind, ErrorKind::input);
  EXPECT_EQ(data.error().message, path("big") + ": larger than the limit of 1000 bytes");
  data = read_input(path("big"), 1001);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->size(), 1001u);
}

TEST_F(FilesTest, DashReadsStdin) {
  put(path("stdin"), "from stdin");
  int saved = ::dup(STDIN_FILENO);
  int fd = ::open(path("stdin").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ::dup2(fd, STDIN_FILENO);
  ::close(fd);
  auto data = read_input("-");
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  ASSERT_TRUE(data.ok()) << data.error().message;
  EXPECT_EQ(std::string(as_chars(*data)), "from stdin");
}

TEST_F(FilesTest, PathExists) {
  EXPECT_FALSE(path_exists(path("nope")));
  put(path("yes"), "");
  EXPECT_TRUE(path_exists(path("yes")));
  fs::create_symlink(path("nope"), path("dangling"));
  EXPECT_TRUE(path_exists(path("dangling")));
}

}  // namespace
}  // namespace iotonb::core

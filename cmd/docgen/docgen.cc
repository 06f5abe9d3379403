// iotonb-docgen: writes the man pages and shell completions from the CLI11 tree the iotonb
// binary itself parses with (cli::build_app), or, with --check, reports which checked-in
// files differ from what it would write. ctest runs the check (tests/docs), so a change to
// the command line that is not followed by regenerating the docs fails the build.
//
//   iotonb-docgen --man-dir man --completions-dir completions           write
//   iotonb-docgen --check --man-dir man --completions-dir completions   0 current, 1 stale
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/command_table.h"
#include "cli/context.h"
#include "cli/exit_codes.h"
#include "core/files.h"
#include "docgen/generators.h"
#include "groups/groups.h"

namespace iotonb::docgen {
namespace {

namespace fs = std::filesystem;

struct OutputDir {
  std::string path;
  std::vector<GeneratedFile> files;
  // Names of files the generator owns in this folder. A file matching them that is not
  // generated any more (a removed group's page) is stale: --check reports it and writing
  // removes it. Anything else in the folder is left alone.
  bool (*owned)(const std::string& name);
};

bool owned_man_page(const std::string& name) {
  return name.rfind("iotonb", 0) == 0 && name.size() > 2 && name.compare(name.size() - 2, 2, ".1") == 0;
}
bool owned_completion(const std::string& name) {
  return name.rfind("iotonb", 0) == 0 || name.rfind("_iotonb", 0) == 0;
}

std::vector<std::string> stale_files(const OutputDir& dir) {
  std::vector<std::string> stale;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir.path, ec)) {
    std::string name = entry.path().filename().string();
    bool generated =
        std::any_of(dir.files.begin(), dir.files.end(), [&](const GeneratedFile& f) { return f.name == name; });
    if (!generated && dir.owned(name) && entry.is_regular_file()) stale.push_back(name);
  }
  std::sort(stale.begin(), stale.end());
  return stale;
}

// Lists each out-of-date file on stdout; true when there is none.
bool check(const std::vector<OutputDir>& dirs) {
  bool current = true;
  for (const auto& dir : dirs) {
    for (const auto& file : dir.files) {
      std::string path = (fs::path(dir.path) / file.name).string();
      if (!core::path_exists(path)) {
        std::cout << "missing: " << path << '\n';
        current = false;
        continue;
      }
      auto data = core::read_input(path);
      if (!data || as_chars(*data) != file.text) {
        std::cout << "differs: " << path << '\n';
        current = false;
      }
    }
    for (const auto& name : stale_files(dir)) {
      std::cout << "extra: " << (fs::path(dir.path) / name).string() << '\n';
      current = false;
    }
  }
  return current;
}

Status write(const std::vector<OutputDir>& dirs) {
  for (const auto& dir : dirs) {
    std::error_code ec;
    fs::create_directories(dir.path, ec);
    if (ec) return io_error(dir.path + ": " + ec.message());
    for (const auto& file : dir.files) {
      std::string path = (fs::path(dir.path) / file.name).string();
      if (auto status = core::write_output(path, file.text, core::WriteOptions{0644, true}); !status)
        return status.error().context(path);
    }
    for (const auto& name : stale_files(dir)) {
      std::string path = (fs::path(dir.path) / name).string();
      if (!fs::remove(path, ec)) return io_error(path + ": " + ec.message());
      std::cerr << "iotonb-docgen: removed stale " << path << '\n';
    }
  }
  return {};
}

int run(int argc, char** argv) {
  CLI::App app("Writes the iotonb man pages and shell completions from its command table", "iotonb-docgen");
  std::string man_dir, completions_dir;
  bool check_only = false;
  app.add_option("--man-dir", man_dir, "Folder for iotonb.1 and iotonb-GROUP.1")->required()->type_name("DIR");
  app.add_option("--completions-dir", completions_dir, "Folder for iotonb.bash, _iotonb and iotonb.fish")
      ->required()
      ->type_name("DIR");
  app.add_flag("--check", check_only, "Write nothing; list the files that are missing, differ or are stale, exit 1 if any");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help or the error
    return e.get_exit_code() == 0 ? code : int{cli::kExitUsage};
  }

  // The same tree the binary parses with; the context only has to outlive it.
  cli::Context ctx;
  CliDoc doc;
  try {
    auto tree = cli::build_app(ctx);
    doc = describe_cli(*tree, cli::groups::version_string());
  } catch (const std::exception& e) {
    std::cerr << "iotonb-docgen: building the command line: " << e.what() << '\n';
    return cli::kExitInternal;
  }

  std::vector<OutputDir> dirs;
  try {
    dirs = {{man_dir, man_pages(doc), owned_man_page}, {completions_dir, completion_files(doc), owned_completion}};
  } catch (const std::exception& e) {  // a writer found the tree not documentable as it stands
    std::cerr << "iotonb-docgen: " << e.what() << '\n';
    return cli::kExitInternal;
  }
  if (check_only) {
    if (check(dirs)) return cli::kExitOk;
    std::cerr << "iotonb-docgen: generated documentation is out of date; regenerate with\n"
                 "  iotonb-docgen --man-dir "
              << man_dir << " --completions-dir " << completions_dir << '\n';
    return cli::kExitCheckFailed;
  }
  if (auto status = write(dirs); !status) {
    std::cerr << "iotonb-docgen: " << status.error().message << '\n';
    return cli::exit_code_for(status.error().kind);
  }
  return cli::kExitOk;
}

}  // namespace
}  // namespace iotonb::docgen

int main(int argc, char** argv) { return iotonb::docgen::run(argc, argv); }

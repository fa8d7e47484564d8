//! The bot as its own process, the built binary: what only a real process shows, a
//! `kill -9` at any instant and the bot's own memory.
// The broadcast benchmark includes this file on its own (`#[path]`) and uses only part of it;
// under `common` the allow there already covers it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command};

pub struct BotProcess {
    child: Child,
    workdir: PathBuf,
    env: Vec<(String, String)>,
}

impl BotProcess {
    /// Runs `netralitas-bot run` in `workdir` (its `.env`-free working directory) with
    /// exactly `env`; output goes to `bot.log` there.
    pub fn spawn(workdir: &Path, env: &[(&str, String)]) -> BotProcess {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        let child = start(workdir, &env);
        BotProcess {
            child,
            workdir: workdir.to_owned(),
            env,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The exit status if the process has ended (for a stop by signal the test sent).
    pub fn try_wait(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// SIGKILL: no shutdown code runs, as in a power cut or an OOM kill.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the same binary again, on the same database.
    pub fn restart(&mut self) {
        self.kill9();
        self.child = start(&self.workdir, &self.env);
    }

    /// Peak resident memory so far, from the kernel's high-water mark (Linux).
    pub fn peak_rss_mb(&self) -> f64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
            .map_or(f64::NAN, |kb| kb / 1024.0)
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}

fn start(workdir: &Path, env: &[(String, String)]) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(workdir.join("bot.log"))
        .expect("log file");
    Command::new(env!("CARGO_BIN_EXE_netralitas-bot"))
        .arg("run")
        .current_dir(workdir)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(log.try_clone().expect("log file"))
        .stderr(log)
        .spawn()
        .expect("the bot binary starts")
}

//! `gongkai new` and `gongkai init`: starting points for officers. Both write only new
//! files (`create_new`), so nothing an officer wrote is ever overwritten.

use crate::build::load_config;
use crate::date::{self, Date};
use crate::error::{Error, Result};
use crate::load::{self, SourceEncoding};
use crate::model::{self, slug, Kind};
use crate::rules::index_no::{Fill, IndexFormat};
use crate::text::yaml_scalar;
use chrono::Datelike;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Create a new document of `kind` titled `title` under `root`; returns its path.
pub fn new_document(root: &Path, kind: Kind, title: &str, today: Date) -> Result<PathBuf> {
    let (config, _) = load_config(root)?;
    let title = title.trim();
    check_title(title).map_err(Error::Usage)?;
    let year = today.year();
    let day = date::iso(today);
    let (rel, text) = match kind {
        Kind::Policy => {
            let format = IndexFormat::parse(&config.index.format).map_err(Error::Usage)?;
            let content = load::load(root, SourceEncoding::Gb18030, model::read_document)?;
            let existing: Vec<String> = content
                .documents
                .iter()
                .filter_map(|d| d.policy().and_then(|p| p.index_no.clone()))
                .collect();
            if format.has_class() && config.index.class.trim().is_empty() {
                return Err(Error::Usage(
                    "索引号格式含 {class}（类别），但 config.toml 的 [index] 没有设置 class\n  提示：在 [index] 中加一行 class = \"A01\"（本机关的类别代码）".into(),
                ));
            }
            let fill = Fill {
                org: &config.index.org_code,
                class: config.index.class.trim(),
                year,
                month: today.month(),
            };
            let index_no = format
                .next_free(&fill, existing.iter().map(String::as_str))
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "{year} 年的索引号顺序号已用到最大值 {}，无法再分配\n  提示：检查是否有索引号的顺序号写错（过大）",
                        u32::MAX
                    ))
                })?;
            let issuer = &config.identity.organizer;
            (
                format!("content/policies/{year}/{}.md", slug(title)),
                format!(
                    "---\n标题: {}\n索引号: {index_no}\n发文字号: # 如 示政办发〔{year}〕1号\n发文机关: {}\n成文日期: {day}\n发布日期: {day}\n规范性文件: false\n主题分类: []\n关键词: []\n---\n\n正文从这里开始。\n\n## 一、总体要求\n\n**（一）指导思想。**……\n",
                    yaml_scalar(title),
                    yaml_scalar(issuer)
                ),
            )
        }
        Kind::Interpretation => (
            format!("content/interpretations/{year}/{}.md", slug(title)),
            format!(
                "---\n标题: {}\n发布日期: {day}\n解读对象: # 所解读政策的索引号或发文字号\n解读形式: 文字解读\n解读机关: {}\n---\n\n## 一、出台背景\n\n……\n\n## 二、主要内容\n\n……\n",
                yaml_scalar(title),
                yaml_scalar(&config.identity.organizer)
            ),
        ),
        Kind::NegativeList => (
            format!("content/negative-lists/{}.yaml", slug(title)),
            format!(
                "标题: {}\n责任部门: {}\n发布日期: {day}\n最近复核日期: {day}\n事项:\n  - 事项: # 不予公开的事项\n    不予公开范围: \n    依据: 《中华人民共和国政府信息公开条例》第十四条\n    责任单位: {}\n",
                yaml_scalar(title),
                yaml_scalar(&config.identity.organizer),
                yaml_scalar(&config.identity.organizer)
            ),
        ),
        Kind::AnnualReport => {
            let report_year: i32 = title
                .trim_end_matches('年')
                .parse()
                .ok()
                .filter(|y| (MIN_REPORT_YEAR..=year).contains(y))
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "年度报告的参数应为 {MIN_REPORT_YEAR} 到 {year} 之间的年份，如 gongkai new annual-report {}",
                        year - 1
                    ))
                })?;
            (
                format!("content/annual-reports/{report_year}.md"),
                crate::model::annual_report::skeleton(report_year, &config.identity.organizer),
            )
        }
        Kind::Page => (
            format!("content/{}/index.md", slug(title)),
            format!("---\n标题: {}\n排序: 10\n---\n\n页面正文。\n", yaml_scalar(title)),
        ),
    };
    let path = root.join(&rel);
    write_new(&path, &text)?;
    Ok(PathBuf::from(rel))
}

/// Longest title `new` accepts, in characters. The title becomes the file name, and most
/// file systems allow 255 bytes (85 Chinese characters in UTF-8).
pub const MAX_TITLE_CHARS: usize = 60;

/// The first year a 政府信息公开工作年度报告 exists for (the 条例 took effect in 2008).
const MIN_REPORT_YEAR: i32 = 2008;

/// Why `title` cannot be a new document's title, in Chinese with a 提示.
fn check_title(title: &str) -> std::result::Result<(), String> {
    if crate::invisible::is_blank(title) {
        return Err("标题不能为空\n  提示：gongkai new policy \"关于……的通知\"".into());
    }
    if title.chars().any(crate::invisible::is_forbidden) {
        return Err(
            "标题中有换行、制表符或不可见的控制字符\n  提示：把标题写在一行里，去掉其中的特殊字符"
                .into(),
        );
    }
    let n = title.chars().count();
    if n > MAX_TITLE_CHARS {
        return Err(format!(
            "标题有 {n} 个字，超过 {MAX_TITLE_CHARS} 个字，无法用作文件名\n  提示：先用简短的标题创建，再在文件中把“标题:”改成全称"
        ));
    }
    Ok(())
}

fn write_new(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("创建目录", dir, e))?;
    }
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Error::WouldOverwrite {
                path: path.to_path_buf(),
            })
        }
        Err(e) => return Err(Error::io("创建文件", path, e)),
    };
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io("写入文件", path, e))
}

/// Scaffold a new site in `dir` that builds at once. Refuses a non-empty folder.
pub fn init(dir: &Path, today: Date) -> Result<Vec<PathBuf>> {
    if dir.exists() {
        let non_empty = std::fs::read_dir(dir)
            .map_err(|e| Error::io("读取目录", dir, e))?
            .next()
            .is_some();
        if non_empty {
            return Err(Error::Usage(format!(
                "目录 {} 不是空的，为避免覆盖已有文件，未做任何改动\n  提示：换一个新目录名，如 gongkai init 我的站点",
                dir.display()
            )));
        }
    }
    let year = today.year();
    let day = date::iso(today);
    let files: Vec<(String, String)> = vec![
        ("config.toml".into(), INIT_CONFIG.to_string()),
        (".gitignore".into(), "/public/\n".into()),
        (
            "content/guide/index.md".into(),
            "---\n标题: 政府信息公开指南\n排序: 1\n公开目录: 政府信息公开指南\n---\n\n（请在此写本机关政府信息公开指南的说明文字：主动公开的范围和时限、依申请公开的受理机构、收费、监督和救济等。工作机构的名称、地址、办公时间、电话、传真、电子邮箱，公开的方式和途径，依申请公开的办理流程，会根据 config.toml 的 [office]、[guide]、[apply] 自动显示在本页下方。）\n".into(),
        ),
        (
            "content/system/index.md".into(),
            "---\n标题: 政府信息公开制度\n排序: 2\n公开目录: 政府信息公开制度\n---\n\n（请在此写本机关的政府信息公开工作制度，如公开属性源头认定、保密审查、政策解读、依申请公开办理、监督考核等。单独印发的制度文件写 `公开目录: 政府信息公开制度`，会列在本页下方。）\n".into(),
        ),
        (
            "content/statutory/index.md".into(),
            "---\n标题: 法定主动公开内容\n排序: 3\n公开目录: 法定主动公开内容\n---\n\n（请在此写本栏目的说明。条例第二十条规定的各类别（县级、乡镇政府还有第二十一条的类别）会自动列在本页下方；每条信息用 `公开目录: 法定主动公开内容/类别名称` 归入类别。本机关确实不涉及的类别，在 config.toml 的 [catalog.not_applicable] 中写明理由，`gongkai check` 会提示仍为空的类别。）\n".into(),
        ),
        (
            "content/apply/index.md".into(),
            "---\n标题: 依申请公开\n排序: 4\n---\n\n（请在此写依申请公开的补充说明，如受理的申请范围、注意事项。办理流程、申请表（可打印、可下载）、在线申请平台和受理机构会自动显示在本页下方。）\n".into(),
        ),
        (
            format!("content/policies/{year}/示例通知.md"),
            format!(
                "---\n标题: 关于做好政务公开工作的通知\n索引号: 0000000000/{year}-00001\n发文字号: 示办发〔{year}〕1号\n发文机关: 示例单位办公室\n成文日期: {day}\n发布日期: {day}\n主题分类: [政务公开]\n---\n\n各科室：\n\n**（一）加强组织领导。**各科室要明确专人负责政务公开工作。\n\n**（二）严格审核把关。**公开前应当依法依规做好保密审查。\n"
            ),
        ),
    ];
    let mut written = Vec::new();
    for (rel, text) in files {
        write_new(&dir.join(&rel), &text)?;
        written.push(PathBuf::from(rel));
    }
    Ok(written)
}

const INIT_CONFIG: &str = r#"# 站点配置。字段说明见 gongkai 的 README“配置”一节。
title = "示例单位政府信息公开"
base_url = "https://www.example.gov.cn/xxgk/"
description = "示例单位政府信息公开专栏"

[identity]
organizer = "示例单位办公室"        # 主办单位
operator = "示例单位信息中心"        # 承办单位
site_code = "0000000000"           # 网站标识码：10 位数字或 bm 加 8 位数字
icp = "示ICP备00000000号"           # ICP备案号
police_record = "示公网安备00000000000000号"  # 公安机关备案号
phone = "0000-00000000"
email = "xxgk@example.gov.cn"
address = "示例路 1 号"

[index]
org_code = "0000000000"
format = "{org}/{year}-{seq:05}"

[site]
level = "county"     # 县级。可写 county（县级）、township（乡镇）、city（设区的市级）、province（省级），或中文

# 政府信息公开工作机构（条例第十二条）：显示在公开指南和依申请公开栏目，请改为实际信息
[office]
name = "示例单位政务公开办"
address = "示例路 1 号"
hours = "工作日上午8:30—12:00，下午14:30—17:30"
phone = "0000-00000000"
fax = "0000-00000001"
email = "xxgk@example.gov.cn"

[guide]
channels = []        # 本网站以外的公开方式和途径，如 "政务服务中心政府信息查阅点"

[apply]
online_url = ""      # 在线申请平台的网址，没有就留空

# 本机关确实不涉及的法定主动公开类别及理由，如：
# [catalog.not_applicable]
# "重大建设项目" = "本机关不承担重大建设项目审批职能"
"#;

/// The CI platform `gongkai init --ci` writes a pipeline for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiPlatform {
    /// `.gitlab-ci.yml`: Code Quality report in merge requests, `public/` as artefact.
    Gitlab,
    /// `.github/workflows/gongkai.yml`: annotations, `public/` as workflow artefact.
    Github,
    /// `Jenkinsfile`: JUnit results, `public/` archived.
    Jenkins,
}

/// The pipeline file for `platform`: its path in the site and its text. Every pipeline
/// checks on every push (findings shown the platform's own way) and, on the main branch
/// only, builds and keeps `public/` as the artefact to publish. They run gongkai from a
/// container image built with gongkai's `Dockerfile`, named by a variable the office
/// points at its own registry.
pub fn ci_file(platform: CiPlatform) -> (&'static str, String) {
    let image = format!("gongkai:{}", env!("CARGO_PKG_VERSION"));
    match platform {
        CiPlatform::Gitlab => (".gitlab-ci.yml", GITLAB_CI.replace("{image}", &image)),
        CiPlatform::Github => (
            ".github/workflows/gongkai.yml",
            GITHUB_CI.replace("{image}", &image),
        ),
        CiPlatform::Jenkins => ("Jenkinsfile", JENKINS_CI.replace("{image}", &image)),
    }
}

/// Write the CI file for `platform` into the site at `dir`; never overwrites.
pub fn add_ci(dir: &Path, platform: CiPlatform) -> Result<PathBuf> {
    let (rel, text) = ci_file(platform);
    write_new(&dir.join(rel), &text)?;
    Ok(PathBuf::from(rel))
}

const GITLAB_CI: &str = r#"# gongkai 的 GitLab CI 流水线（由 gongkai init --ci gitlab 生成）。
# 每次推送：检查全部内容，问题显示在合并请求的“代码质量”中，有错误时流水线失败。
# 默认分支：构建站点，public/ 作为制品保存（可由发布任务或 GitLab Pages 取用）。
# GONGKAI_IMAGE：用 gongkai 源码中的 Dockerfile 构建并推送到本单位镜像仓库的镜像。
variables:
  GONGKAI_IMAGE: "{image}"

default:
  image: $GONGKAI_IMAGE

stages:
  - check
  - build

check:
  stage: check
  script:
    # 报告写入文件供合并请求显示；有错误时再以文字列出，便于在日志中查看。
    - gongkai check --format gitlab > gl-code-quality-report.json || { gongkai check --quiet; exit 1; }
  artifacts:
    when: always
    reports:
      codequality: gl-code-quality-report.json

build:
  stage: build
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - gongkai build
  artifacts:
    paths:
      - public/
"#;

const GITHUB_CI: &str = r#"# gongkai 的 GitHub Actions 工作流（由 gongkai init --ci github 生成）。
# 每次推送与拉取请求：检查全部内容，问题以注释显示在对应文件的对应行，有错误时失败。
# main 分支：构建站点，public/ 作为工作流制品上传。
# 仓库变量 GONGKAI_IMAGE：用 gongkai 源码中的 Dockerfile 构建并推送到镜像仓库的镜像。
name: gongkai

on:
  push:
  pull_request:

jobs:
  check:
    runs-on: ubuntu-latest
    container:
      image: ${{ vars.GONGKAI_IMAGE || '{image}' }}
    steps:
      - uses: actions/checkout@v4
      - run: gongkai check --format github

  build:
    needs: check
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    container:
      image: ${{ vars.GONGKAI_IMAGE || '{image}' }}
    steps:
      - uses: actions/checkout@v4
      - run: gongkai build
      - uses: actions/upload-artifact@v4
        with:
          name: public
          path: public/
"#;

const JENKINS_CI: &str = r#"// gongkai 的 Jenkins 流水线（由 gongkai init --ci jenkins 生成）。
// 每次推送：检查全部内容，每个文档是一个测试用例，有错误的文档显示为失败。
// main 分支：构建站点，public/ 归档为制品。
// GONGKAI_IMAGE：用 gongkai 源码中的 Dockerfile 构建并推送到本单位镜像仓库的镜像。
pipeline {
    agent {
        docker { image "${env.GONGKAI_IMAGE ?: '{image}'}" }
    }
    stages {
        stage('检查') {
            steps {
                sh 'gongkai check --format junit > gongkai-junit.xml || { gongkai check --quiet; exit 1; }'
            }
            post {
                always {
                    junit 'gongkai-junit.xml'
                }
            }
        }
        stage('构建') {
            when { branch 'main' }
            steps {
                sh 'gongkai build'
                archiveArtifacts artifacts: 'public/**', fingerprint: true
            }
        }
    }
}
"#;

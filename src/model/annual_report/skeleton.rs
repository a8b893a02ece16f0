//! The file `gongkai new annual_report` writes: every table row present and zero-filled.

use super::schema::*;
use crate::text::yaml_quote;

/// The full text of a new report file (`gongkai new annual_report`): front matter with
/// every table row present and zero-filled, each named in a Chinese comment, and the
/// narrative sections 一、五、六 with placeholder text. Sections 二、三、四 are generated
/// from `data:` and inserted by the build.
pub fn skeleton(year: i32, department: &str) -> String {
    let department = department.trim();
    let title = format!("{department}{year}年政府信息公开工作年度报告");
    let zero = "[0, 0, 0, 0, 0, 0]";
    let mut s = String::new();
    s.push_str("---\n");
    s.push_str(&format!("title: {}\n", yaml_quote(&title)));
    s.push_str(&format!(
        "year: {year}                      # 报告年度（所报告的年度）\n"
    ));
    s.push_str(&format!(
        "published: {}-01-31          # 发布日期：部门于次年1月31日前、县级以上人民政府于次年3月31日前公布\n",
        year + 1
    ));
    s.push_str(&format!("department: {}\n", yaml_quote(department)));
    s.push_str("format: 2021                    # 模板：国办公开办函〔2021〕30号（2019、2020年度报告写 2019）\n");
    s.push_str("data:\n");
    s.push_str("  proactive:                      # 二、主动公开政府信息情况\n");
    s.push_str("    # 第二十条第（一）项：本年制发件数 / 本年废止件数 / 现行有效件数\n");
    s.push_str("    rules:          {issued: 0, repealed: 0, in_force: 0}   # 规章\n");
    s.push_str("    normative_docs: {issued: 0, repealed: 0, in_force: 0}   # 行政规范性文件\n");
    s.push_str(
        "    licensing: 0                  # 第二十条第（五）项 行政许可：本年处理决定数量\n",
    );
    s.push_str(
        "    penalty: 0                    # 第二十条第（六）项 行政处罚：本年处理决定数量\n",
    );
    s.push_str(
        "    coercion: 0                   # 第二十条第（六）项 行政强制：本年处理决定数量\n",
    );
    s.push_str("    fees: 0                       # 第二十条第（八）项 行政事业性收费：本年收费金额（单位：万元）\n");
    s.push_str("  requests:                       # 三、收到和处理政府信息公开申请情况\n");
    s.push_str("    # 每行 6 个数，依次为：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他。\n");
    s.push_str("    # 各行“总计”自动计算；也可写第 7 个数作总计，构建时会核对。\n");
    s.push_str("    # 勾稽关系：一 + 二 = 三（七）总计 + 四，每一列都须相等。\n");
    s.push_str(&format!("    new:          {zero}   # {}\n", NEW_ROW.label));
    s.push_str(&format!(
        "    carried_over: {zero}   # {}\n",
        CARRIED_OVER_ROW.label
    ));
    s.push_str(&format!(
        "    results:                        # {RESULTS_LABEL}\n"
    ));
    s.push_str(&format!(
        "      disclosed:        {zero}   # {}\n",
        DISCLOSED_ROW.label
    ));
    s.push_str(&format!(
        "      partly_disclosed: {zero}   # {}\n",
        PARTLY_ROW.label
    ));
    for group in [&WITHHELD, &UNABLE, &NOT_PROCESSED, &OTHER] {
        s.push_str(&format!(
            "      {}:{}# {}\n",
            group.key.name,
            pad(group.key.name, 30),
            group.label
        ));
        for r in group.rows {
            s.push_str(&format!(
                "        {}:{}{zero}   # {}\n",
                r.key.name,
                pad(r.key.name, 20),
                r.label
            ));
        }
    }
    s.push_str("      # total: （七）总计，不必填写，自动计算\n");
    s.push_str(&format!(
        "    carried_forward: {zero}   # {}\n",
        CARRIED_FORWARD_ROW.label
    ));
    s.push_str("  appeals:                        # 四、政府信息公开行政复议、行政诉讼情况\n");
    s.push_str("    # 每项依次为：结果维持、结果纠正、其他结果、尚未审结（总计自动计算）\n");
    s.push_str(
        "    review:               {upheld: 0, corrected: 0, other: 0, pending: 0}   # 行政复议\n",
    );
    s.push_str("    lawsuit_direct:       {upheld: 0, corrected: 0, other: 0, pending: 0}   # 行政诉讼：未经复议直接起诉\n");
    s.push_str("    lawsuit_after_review: {upheld: 0, corrected: 0, other: 0, pending: 0}   # 行政诉讼：复议后起诉\n");
    s.push_str("---\n\n");
    s.push_str("## 一、总体情况\n\n");
    s.push_str("（概述本年度政府信息公开工作的总体情况，可分主动公开、依申请公开、政府信息管理、平台建设、监督保障等方面叙述。）\n\n");
    s.push_str("## 五、政府信息公开工作存在的主要问题及改进情况\n\n");
    s.push_str("（写明本年度工作存在的主要问题和改进措施，以及上一年度所列问题的整改情况。）\n\n");
    s.push_str("## 六、其他需要报告的事项\n\n");
    s.push_str("（写明依据《政府信息公开信息处理费管理办法》收取信息处理费的情况，以及其他需要报告的事项；没有的写“无”。）\n");
    s
}

/// Spaces that line a comment up after `name:`.
fn pad(name: &str, width: usize) -> String {
    " ".repeat(width.saturating_sub(name.len()).max(1))
}

//! Numbers as officers write them: quoted, with full-width digits or thousands
//! separators, `~` for an empty cell.

use crate::yaml::scalar_text;
use serde_yaml::Value;

/// Why a value is not a usable number.
pub(crate) enum NumError {
    /// Below zero.
    Negative,
    /// Has a fraction (or is too large to count).
    NotWhole,
    /// Not a number at all.
    NotNumber,
}

/// The value as a number, if it is one: YAML numbers, and text that reads as a number
/// (officers quote numbers, use full-width digits and thousands separators).
pub(crate) fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let t = crate::text::fold_width_str(s.trim()).replace([',', '，'], "");
            if t.is_empty()
                || !t
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
            {
                return None;
            }
            t.parse::<f64>().ok()
        }
        Value::Tagged(t) => as_number(&t.value),
        _ => None,
    }
}

/// A whole number ≥ 0. An empty cell (`~`) counts as 0.
pub(crate) fn count(v: &Value) -> Result<u64, NumError> {
    if let Value::Number(n) = v {
        if let Some(u) = n.as_u64() {
            return Ok(u);
        }
    }
    if v.is_null() {
        return Ok(0);
    }
    let x = as_number(v)
        .filter(|x| x.is_finite())
        .ok_or(NumError::NotNumber)?;
    if x < 0.0 {
        Err(NumError::Negative)
    } else if x.fract() != 0.0 || x > 9.0e15 {
        Err(NumError::NotWhole)
    } else {
        Ok(x as u64)
    }
}

/// A whole number that may be negative (本年增/减).
pub(crate) fn signed(v: &Value) -> Result<i64, NumError> {
    if let Value::Number(n) = v {
        if let Some(i) = n.as_i64() {
            return Ok(i);
        }
    }
    if v.is_null() {
        return Ok(0);
    }
    let x = as_number(v)
        .filter(|x| x.is_finite())
        .ok_or(NumError::NotNumber)?;
    if x.fract() != 0.0 || x.abs() > 9.0e15 {
        Err(NumError::NotWhole)
    } else {
        Ok(x as i64)
    }
}

/// A decimal ≥ 0 (an amount of money).
pub(crate) fn decimal(v: &Value) -> Result<f64, NumError> {
    if v.is_null() {
        return Ok(0.0);
    }
    let x = as_number(v)
        .filter(|x| x.is_finite())
        .ok_or(NumError::NotNumber)?;
    if x < 0.0 {
        Err(NumError::Negative)
    } else {
        Ok(x)
    }
}

/// How a value looks in a message.
pub(crate) fn shown(v: &Value) -> String {
    match v {
        Value::Sequence(_) => "（列表）".to_string(),
        Value::Mapping(_) => "（键值表）".to_string(),
        other => scalar_text(other).unwrap_or_default(),
    }
}

/// A number as the template prints it: whole numbers without a decimal point.
pub fn format_decimal(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

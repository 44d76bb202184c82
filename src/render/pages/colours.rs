//! Which colour each team gets: one function for every chart of every page,
//! so a team keeps its colour from the home page to a behaviour page.

use super::Input;
use crate::charts::SeriesColour;

/// The team's own `colour` from the team data, else its place in team
/// order in the palette.
pub fn team_colour(input: &Input, team: &str) -> Option<SeriesColour> {
    if let Some((r, g, b)) = input
        .data
        .colours
        .get(team)
        .and_then(|c| crate::teamdata::load::parse_colour(c))
    {
        return Some(SeriesColour::Rgb(r, g, b));
    }
    let place = input.data.teams.iter().position(|t| t.id == team)?;
    Some(SeriesColour::Palette(place))
}

/// "All teams": always the same dark line.
pub fn all_teams() -> Option<SeriesColour> {
    Some(SeriesColour::AllTeams)
}

// The directory against the playbooks, at start-up (API, worker, all-in-one): every channel a
// playbook posts to exists, every group it tags has a Slack user-group id, every member of a group it
// invites and every person it tags by key has a Slack user id, and (a playbook that may tag any team)
// every team has a Slack user-group id and every team manager a Slack user id. A gap stops start-up with a message naming the entry and the playbook
// (issue 17 item 17): otherwise `@accounting` is posted as plain text and pings nobody, silently.
import type { PlaybookDefinition } from '../workflows/kit/playbook.js';
import { DirectoryError, type Directory } from './directory.js';

/** Every gap, one line each (`/groups/accounting/slackUserGroupId: …`); empty when the directory serves every playbook. */
export function directoryGaps(directory: Directory, playbooks: Iterable<Pick<PlaybookDefinition<never>, 'name' | 'directory'>>): string[] {
  const gaps: string[] = [];
  for (const pb of playbooks) {
    const { channels = {}, taggedGroups = {}, invitedGroups = {}, people = {}, teams } = pb.directory;
    for (const [key, why] of Object.entries(channels)) {
      if (!directory.hasChannel(key)) gaps.push(`/channels/${key}: missing; playbook '${pb.name}' posts there (${why})`);
    }
    for (const [key, why] of Object.entries(taggedGroups)) {
      if (!directory.hasGroup(key)) gaps.push(`/groups/${key}: missing; playbook '${pb.name}' tags it (${why})`);
      else if (!directory.group(key).slackUserGroupId) {
        gaps.push(`/groups/${key}/slackUserGroupId: missing; playbook '${pb.name}' tags the group (${why}) and '@${directory.group(key).name}' without an id pings nobody`);
      }
    }
    for (const [key, why] of Object.entries(invitedGroups)) {
      if (!directory.hasGroup(key)) {
        gaps.push(`/groups/${key}: missing; playbook '${pb.name}' invites its members (${why})`);
        continue;
      }
      for (const member of directory.group(key).members) {
        if (!directory.person(member).slackUserId) {
          gaps.push(`/people/${member}/slackUserId: missing; member of group '${key}', which playbook '${pb.name}' invites (${why})`);
        }
      }
    }
    for (const [key, why] of Object.entries(people)) {
      if (!directory.hasPerson(key)) gaps.push(`/people/${key}: missing; playbook '${pb.name}' tags them (${why})`);
      else if (!directory.person(key).slackUserId) {
        gaps.push(`/people/${key}/slackUserId: missing; playbook '${pb.name}' tags them (${why}) and a mention without one pings nobody`);
      }
    }
    if (teams !== undefined) {
      for (const key of directory.teamKeys()) {
        const team = directory.team(key)!;
        if (!team.mentionable) {
          gaps.push(`/groups/${key}/slackUserGroupId: missing; team '${key}' (a group with a channel), which playbook '${pb.name}' tags (${teams}), and '@${team.name}' without an id pings nobody`);
        }
        for (const manager of team.managers) {
          if (!directory.person(manager).slackUserId) {
            gaps.push(`/people/${manager}/slackUserId: missing; manager of team '${key}', whom playbook '${pb.name}' tags (${teams})`);
          }
        }
      }
    }
  }
  return [...new Set(gaps)];
}

/** Throws a DirectoryError listing every gap. */
export function checkDirectoryForPlaybooks(directory: Directory, playbooks: Iterable<Pick<PlaybookDefinition<never>, 'name' | 'directory'>>, source = 'directory'): void {
  const gaps = directoryGaps(directory, playbooks);
  if (gaps.length > 0) throw new DirectoryError(`directory file ${source} does not serve the playbooks:\n${gaps.map((g) => `  ${g}`).join('\n')}`);
}

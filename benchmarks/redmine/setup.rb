# The Redmine side of the load benchmark: a manager, 140 officers and one private project with
# issue tracking, every officer a member. The issues and journals come from load.sql.
PASSWORD = 'bench-pass-123'

def user(login, first, last)
  u = User.find_by_login(login) || User.new(firstname: first, lastname: last, mail: "#{login}@example.org")
  u.login = login
  u.password = u.password_confirmation = PASSWORD
  u.must_change_passwd = false
  u.status = User::STATUS_ACTIVE
  u.save!
  u
end

Setting.default_language = 'en'
# 50 rows a page, as the tracker's list shows.
Setting.per_page_options = '50,100'
manager = user('manager', 'Mana', 'Ger')
officers = (1..140).map { |i| user("officer#{i}", 'Officer', "N#{i}") }
project = Project.find_by_identifier('japan-us') || Project.new(name: 'Japan-US commitments', identifier: 'japan-us')
project.tracker_ids = Tracker.pluck(:id)
project.enabled_module_names = ['issue_tracking']
project.is_public = false
project.save!
manager_role = Role.find_by_name('Manager')
([manager] + officers).each do |member|
  Member.create!(project: project, user: member, role_ids: [manager_role.id]) unless Member.where(project: project, user: member).exists?
end
puts "project #{project.id}, manager #{manager.id}"

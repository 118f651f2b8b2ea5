# A partial: shared properties, not a resource (no LEG005 for it).
property :owner, String, default: 'www-data'
property :group, String, default: 'www-data'

action_class do
  def site_root
    "/srv/#{new_resource.name}"
  end
end
